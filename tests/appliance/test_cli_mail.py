"""`nok mail send` delivers queued letters through the real SMTP sink; an outage keeps them queued."""
from click.testing import CliRunner

from appliance import cli
from appliance.bootstrap import open_services
from core.config import load_config, save_config
from core.models import OutgoingMail
from core.services.notify import queue_mail


def _queue(config, n):
    services = open_services(load_config(config.config_file))
    with services.db.connection_context():
        for i in range(n):
            queue_mail("welder@mail.ru", f"Письмо {i}", "Текст письма")
    services.db.close()


def _waiting(config):
    services = open_services(load_config(config.config_file))
    with services.db.connection_context():
        return OutgoingMail.select().where(OutgoingMail.sent_at.is_null()).count()


def test_mail_send_delivers_queue(nok_config, smtp_server):
    nok_config.plugins = []
    save_config(nok_config)
    _queue(nok_config, 3)
    result = CliRunner().invoke(cli.main, ["--config", str(nok_config.config_file), "mail", "send"])
    assert result.exit_code == 0, result.output
    assert "Отправлено: 3 письма. В очереди: 0." in result.output
    assert [m["Subject"] for m in smtp_server.wait_for(3)] == ["Письмо 0", "Письмо 1", "Письмо 2"]
    assert "— НОК-Платформа" in smtp_server.body(smtp_server.messages[0])


def test_mail_send_keeps_letters_when_server_is_down(nok_config, smtp_server):
    nok_config.plugins = []
    nok_config.smtp_port = 1  # nothing listens there
    save_config(nok_config)
    _queue(nok_config, 2)
    result = CliRunner().invoke(cli.main, ["--config", str(nok_config.config_file), "mail", "send"])
    assert result.exit_code == 1 and "Отправлено: 0 писем. В очереди: 2." in result.output
    assert _waiting(nok_config) == 2


def test_mail_remind_runs_the_daily_job(nok_config, smtp_server):
    nok_config.plugins = []
    save_config(nok_config)
    result = CliRunner().invoke(cli.main, ["--config", str(nok_config.config_file), "mail", "remind",
                                           "--date", "2026-03-11"])
    assert result.exit_code == 0, result.output
    assert "Напоминаний поставлено в очередь: 0. Отправлено писем: 0." in result.output
