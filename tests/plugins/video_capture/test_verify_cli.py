"""`nok video verify`: every stored recording is re-read; problems are listed and the exit code says so."""
from click.testing import CliRunner

from retention_kit import world  # noqa: F401 (fixture)
from appliance import cli
from core.workflow import Status
from plugins.video_capture.models import Segment
from plugins.video_capture.verification import BAD_SIGNATURE, BLOB_MISSING


def nok(config, *args):
    return CliRunner().invoke(cli.main, ["--config", str(config.config_file), "video", *args])


def test_nothing_stored_is_all_right(world, nok_config):
    result = nok(nok_config, "verify")
    assert result.exit_code == 0, result.output
    assert "Проверено записей: 0; все в порядке." in result.output


def test_problems_are_listed_per_segment_and_fail_the_run(world, nok_config, services):
    group = world.group()
    member = world.candidate(group, "Петров Пётр Петрович", Status.SENT_TO_SPK)
    recording = world.recording(group, member, segments=2)  # the kit signs nothing: signatures do not verify
    second = recording.segments.where(Segment.seq == 1).get()
    services.blobs.delete(second.digest)
    result = nok(nok_config, "verify")
    assert result.exit_code == 1, result.output
    assert f"Запись № {recording.id}" in result.output
    assert f"сегмент № 0: {BAD_SIGNATURE}" in result.output and f"сегмент № 1: {BLOB_MISSING}" in result.output
    assert "Проверено записей: 1; с нарушениями: 1." in result.output
