"""`nok station …`: keys, enrolment, recording with upload, the spool surviving SIGKILL, status."""
from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import av
import click
from click.testing import CliRunner

from plugins.video_capture import station_cli
from plugins.video_capture.chain import chain_problems, file_sha256, signature_valid
from plugins.video_capture.spool import Spool
from plugins.video_capture.station_keys import ENROLMENT_FILE, KEY_FILE, SPOOL_DIR, Enrolment, load_key

from station_kit import LABEL, TOKEN, make_station, public_hex, stand_in  # noqa: F401

ROOT = Path(__file__).resolve().parents[3]


def station(*args: str):
    """Run the station commands in-process as their own program (as on a workstation)."""
    return CliRunner().invoke(station_cli.standalone(), [str(a) for a in args], catch_exceptions=False)


def test_register_adds_the_station_group():
    group = click.Group("nok")
    station_cli.register(group)
    assert set(group.commands["station"].commands) == {"init", "enrol", "record", "upload", "status"}


def test_init_creates_a_private_key_once(tmp_path):
    folder = tmp_path / "st"
    result = station("init", "--dir", folder)
    assert result.exit_code == 0, result.output
    key = load_key(folder)
    assert public_hex_of(key) in result.output and "nok station enrol" in result.output
    assert stat.S_IMODE((folder / KEY_FILE).stat().st_mode) == 0o600
    again = station("init", "--dir", folder)
    assert again.exit_code == 1 and again.stderr.startswith("Ошибка: Ключ станции уже создан")
    assert public_hex_of(load_key(folder)) == public_hex_of(key)  # not replaced
    (folder / KEY_FILE).chmod(0o644)
    status = station("status", "--dir", folder)
    assert status.exit_code == 0 and "не подключена" in status.output
    enrol = station("enrol", "--dir", folder, "--appliance", "http://127.0.0.1:9", "--code", "X")
    assert enrol.exit_code == 1 and "доступен другим пользователям" in enrol.stderr and "Traceback" not in enrol.output


def public_hex_of(key) -> str:
    from plugins.video_capture.station_keys import public_key_hex

    return public_key_hex(key)


def test_enrol_with_the_operators_code(tmp_path, stand_in):  # noqa: F811
    folder = tmp_path / "st"
    assert station("init", "--dir", folder).exit_code == 0
    wrong = station("enrol", "--dir", folder, "--appliance", stand_in.url, "--code", "AAAA-BBBB-CCCC")
    assert wrong.exit_code == 1 and wrong.stderr.startswith("Ошибка: Код подключения не подходит")
    assert not (folder / ENROLMENT_FILE).exists()
    result = station("enrol", "--dir", folder, "--appliance", stand_in.url + "/", "--code", "ABCD-EFGH-JKLM")
    assert result.exit_code == 0, result.output
    assert "Станция «Рабочее место 3» (№ 7) подключена" in result.output
    assert Enrolment.load(folder) == Enrolment(stand_in.url, 7, "Рабочее место 3", TOKEN)
    assert stat.S_IMODE((folder / ENROLMENT_FILE).stat().st_mode) == 0o600
    assert stand_in.state.public_key == public_hex_of(load_key(folder))
    offline = station("enrol", "--dir", folder, "--appliance", "ftp://x", "--code", "ABCD-EFGH-JKLM")
    assert offline.exit_code == 1 and "http://" in offline.stderr


def test_record_uploads_segments_stills_and_the_binding_label(tmp_path, stand_in):  # noqa: F811
    folder = tmp_path / "st"
    stand_in.state.public_key = public_hex(make_station(folder, stand_in.url))
    stand_in.state.binding = {"group": 4, "member": 11, "label": LABEL}
    result = station("record", "--dir", folder, "--source", "synthetic", "--width", 160, "--height", 120,
                     "--segment-seconds", 1, "--duration", 3.5, "--drain-seconds", 20)
    assert result.exit_code == 0, result.output
    assert "Запись остановлена" in result.output and "в очереди: 0" in result.output
    (recording,) = stand_in.state.recordings.values()
    assert recording["label"] == LABEL and recording["source"] == "synthetic"
    manifests = [stand_in.state.stored[key]["manifest"] for key in sorted(stand_in.state.stored)]
    assert len(manifests) >= 3 and chain_problems(manifests) == []
    assert {m.label for m in manifests} == {LABEL}
    assert all(item["verified"] for item in stand_in.state.stored.values())
    assert stand_in.state.frames and stand_in.state.frames[0].startswith(b"\xff\xd8")
    status = station("status", "--dir", folder)
    assert "В очереди: 0 сегментов" in status.output and "Последняя передача:" in status.output
    assert "ещё не было" not in status.output


def test_record_refuses_without_enrolment_and_with_a_missing_camera(tmp_path, stand_in):  # noqa: F811
    folder = tmp_path / "st"
    assert station("init", "--dir", folder).exit_code == 0
    result = station("record", "--dir", folder, "--source", "synthetic")
    assert result.exit_code == 1 and "Станция не зарегистрирована" in result.stderr
    result = station("record", "--dir", tmp_path / "nothing", "--source", "synthetic")
    assert result.exit_code == 1 and "Ключ станции не найден" in result.stderr
    other = tmp_path / "cam"
    make_station(other, stand_in.url)
    result = station("record", "--dir", other, "--source", "network_camera")
    assert result.exit_code == 1 and "--url" in result.stderr
    result = station("record", "--dir", other, "--source", "webcam", "--index", 57, "--duration", 0.5)
    assert result.exit_code == 0  # a missing camera is retried, not fatal
    assert "Веб-камера № 57 недоступна" in result.stderr and "Записано: 0 сегментов" in result.output


def test_spool_survives_sigkill_and_uploads_later(tmp_path, stand_in):  # noqa: F811
    folder = tmp_path / "st"
    identity = make_station(folder, stand_in.url)
    stand_in.state.public_key = public_hex(identity)
    stand_in.stop()  # unreachable while recording: every finished segment must stay in the spool
    log = tmp_path / "recorder.log"
    with open(log, "wb") as output:
        recorder = subprocess.Popen(
            [sys.executable, "-m", "plugins.video_capture.station_cli", "record", "--dir", str(folder),
             "--source", "synthetic", "--width", "160", "--height", "120", "--segment-seconds", "0.5"],
            cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
        try:
            spool = Spool(folder / SPOOL_DIR)
            deadline = time.monotonic() + 60
            while len(spool.pending()) < 3 and time.monotonic() < deadline and recorder.poll() is None:
                time.sleep(0.05)
            time.sleep(0.2)  # somewhere in the middle of the next segment
            os.kill(recorder.pid, signal.SIGKILL)
        finally:
            recorder.kill()
            recorder.wait()
    entries = spool.pending()
    assert len(entries) >= 3, log.read_text(errors="replace")
    assert [e.manifest.seq for e in entries] == list(range(len(entries)))
    for entry in entries:
        with open(entry.file, "rb") as segment:
            assert file_sha256(segment) == entry.manifest.sha256
        assert signature_valid(entry.manifest, entry.signature, public_hex(identity))
        with av.open(str(entry.file)) as container:
            assert len(list(container.decode(video=0))) == entry.manifest.frames
    assert "Устройство недоступно" in log.read_text(errors="replace")
    stand_in.start()
    result = station("upload", "--dir", folder, "--timeout", 20)
    assert result.exit_code == 0, result.output
    assert f"Передано: {len(entries)} " in result.output and "В очереди: 0" in result.output
    stored = [stand_in.state.stored[key] for key in sorted(stand_in.state.stored)]
    assert [item["manifest"] for item in stored] == [e.manifest for e in entries]
    assert all(item["verified"] for item in stored)
    assert chain_problems([item["manifest"] for item in stored]) == []


def test_upload_and_status_while_the_appliance_is_down(tmp_path, stand_in):  # noqa: F811
    from station_kit import record_synthetic

    folder = tmp_path / "st"
    record_synthetic(folder, make_station(folder, stand_in.url), frames=15)
    stand_in.stop()
    result = station("upload", "--dir", folder, "--timeout", 0.3)
    assert result.exit_code == 1 and "Ошибка: Очередь передана не полностью" in result.stderr
    assert "соединение отклонено" in result.stderr
    status = station("status", "--dir", folder)
    assert status.exit_code == 0
    assert "Станция: «Рабочее место 3» (№ 7)" in status.output
    assert "В очереди: 2 сегмента" in status.output and "ещё не было" in status.output
    assert "Связь с устройством: Устройство недоступно" in status.output


def test_nok_lists_the_station_commands(nok_config):
    from appliance import cli

    result = CliRunner().invoke(cli.main, ["--config", str(nok_config.config_file), "station", "--help"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for command in ("init", "enrol", "record", "upload", "status"):
        assert command in result.output


def test_ctrl_c_finishes_the_current_segment(tmp_path, stand_in):  # noqa: F811
    folder = tmp_path / "st"
    make_station(folder, stand_in.url)
    stand_in.stop()
    spool = Spool(folder / SPOOL_DIR)
    recorder = subprocess.Popen(
        [sys.executable, "-m", "plugins.video_capture.station_cli", "record", "--dir", str(folder), "--source",
         "synthetic", "--width", "160", "--height", "120", "--segment-seconds", "60", "--drain-seconds", "0"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not any(spool.tmp.iterdir()) and time.monotonic() < deadline and recorder.poll() is None:
            time.sleep(0.05)
        time.sleep(1.0)  # about ten frames into a 60-second segment
        recorder.send_signal(signal.SIGINT)
        out, err = recorder.communicate(timeout=60)
    finally:
        recorder.kill()
        recorder.wait()
    assert recorder.returncode == 0, err
    assert "Запись остановлена. Записано: 1 сегмент" in out and "Traceback" not in err
    (entry,) = spool.pending()
    assert 3 <= entry.manifest.frames < 600 and list(spool.tmp.iterdir()) == []
    with av.open(str(entry.file)) as container:
        assert len(list(container.decode(video=0))) == entry.manifest.frames
