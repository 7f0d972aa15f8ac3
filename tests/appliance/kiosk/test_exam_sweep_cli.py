"""`nok exam sweep` finishes attempts whose time ran out and leaves the running ones alone."""
import datetime as dt

from click.testing import CliRunner

from appliance import cli
from appliance.bootstrap import open_services
from core.config import load_config, save_config
from core.models import Application, ExamAttempt, FinishReason, OrgKind
from core.services import attempts
from core.testing_exam import ExamDayWorld
from core.workflow import Status


def _sweep(config):
    return CliRunner().invoke(cli.main, ["--config", str(config.config_file), "exam", "sweep"])


def test_sweep_finishes_expired_attempts(nok_config, factory):
    nok_config.plugins = ["theory_exam"]
    save_config(nok_config)
    services = open_services(load_config(nok_config.config_file))
    services.db.connect(reuse_if_open=True)
    spk = factory.org(OrgKind.SPK)
    cok = factory.org(OrgKind.COK, parent=spk)
    world = ExamDayWorld(factory, cok, factory.org(OrgKind.VENUE, parent=cok))
    _, (late, running) = world.started_group("Соколов Дмитрий Олегович", "Петров Пётр Петрович")
    expired = attempts.start_attempt(late, services.plugins)
    attempts.start_attempt(running, services.plugins)
    deadline = attempts.utcnow() - dt.timedelta(minutes=1)
    ExamAttempt.update(deadline_at=deadline).where(ExamAttempt.id == expired.id).execute()
    services.db.close()

    result = _sweep(nok_config)
    assert result.exit_code == 0, result.output
    assert "Завершено по истечении времени: 1 попытка." in result.output
    assert "Завершено по истечении времени: 0 попыток." in _sweep(nok_config).output  # safe to repeat

    services.db.connect(reuse_if_open=True)
    done = ExamAttempt.get_by_id(expired.id)
    assert done.finish_reason == FinishReason.TIMEOUT and done.finished_at == deadline and done.points == 0
    assert Application.get_by_id(late.application_id).status == Status.THEORY_FAILED.value
    assert ExamAttempt.get(ExamAttempt.member == running.id).finished_at is None
    services.db.close()


def test_sweep_help_explains_the_timer():
    result = CliRunner().invoke(cli.main, ["exam", "sweep", "--help"])
    assert result.exit_code == 0 and "cron" in result.output and "systemd" in result.output
