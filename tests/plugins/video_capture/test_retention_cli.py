"""`nok retention run|hold|release|act` on a real config, SQLCipher file and blob store; Russian messages."""
import io

from click.testing import CliRunner
from pypdf import PdfReader

from retention_kit import digests, world  # noqa: F401 (fixture)
from appliance import cli
from core.models.commission import Verdict
from core.workflow import Status
from plugins.video_capture.models import DestructionAct, Recording, RetentionHold


def nok(config, *args):
    return CliRunner().invoke(cli.main, ["--config", str(config.config_file), "retention", *args])


def filmed(world):
    group = world.group()
    failed = world.candidate(group, "Петров Пётр Петрович", Status.SENT_TO_SPK, Verdict.FAILED)
    passed = world.candidate(group, "Соколов Дмитрий Олегович", Status.CERTIFICATE_ISSUED)
    return world.recording(group, failed, segments=3), world.recording(group, passed), failed.application


def test_dry_run_changes_nothing(world, services, nok_config):
    rec, _, _ = filmed(world)
    files = digests(rec)
    services.db.close()
    early = nok(nok_config, "run", "--dry-run", "--today", "2027-03-16")
    assert early.exit_code == 0, early.output
    assert early.output == "На 16.03.2027 уничтожать нечего: сроки хранения не истекли.\n"
    result = nok(nok_config, "run", "--dry-run", "--today", "17.03.2027")
    assert result.exit_code == 0, result.output
    assert ("На 17.03.2027 будет уничтожено: 1 видеозапись (8,8\u00a0КБ). Пробный запуск: ничего не изменено."
            in result.output)
    assert f"№ {rec.id} — Петров Пётр Петрович; хранить до 16.03.2027; сегментов: 3" in result.output
    assert "экзамен 16.03.2026 не сдан" in result.output
    services.db.connect(reuse_if_open=True)
    assert Recording.get_by_id(rec.id).destroyed_at is None and DestructionAct.select().count() == 0
    assert all(services.blobs.exists(d) for d in files)


def test_run_writes_the_act_and_is_idempotent(world, services, nok_config, tmp_path):
    rec, kept, _ = filmed(world)
    files = digests(rec)
    services.db.close()
    result = nok(nok_config, "run", "--today", "2027-06-01")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == ("Акт об уничтожении персональных данных № АУ-2027-0001 "
                        "(Экзаменационный центр «Нижегородский»): уничтожено 1 видеозапись, сегментов: 3, 8,8\u00a0КБ.")
    assert lines[1] == f"  • № {rec.id} — Петров Пётр Петрович; хранить до 16.03.2027"
    assert lines[2].startswith("  Скачать акт: http://testserver/p/video_capture/retention/acts/")
    assert lines[3] == "  или командой: nok retention act АУ-2027-0001 --output акт.pdf"
    again = nok(nok_config, "run", "--today", "2027-06-01")
    assert again.exit_code == 0 and again.output == "На 01.06.2027 уничтожать нечего: сроки хранения не истекли.\n"

    out = tmp_path / "акт.pdf"
    saved = nok(nok_config, "act", "АУ-2027-0001", "--output", str(out))
    assert saved.exit_code == 0 and saved.output == f"Акт № АУ-2027-0001 сохранён: {out}\n"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "Петров Пётр Петрович" in text and "Соколов" not in text
    missing = nok(nok_config, "act", "АУ-1999-0001", "-o", str(out))
    assert missing.exit_code == 1 and missing.stderr == "Ошибка: Акт № АУ-1999-0001 не найден.\n"

    services.db.connect(reuse_if_open=True)
    assert Recording.get_by_id(rec.id).destroyed_at is not None
    assert Recording.get_by_id(kept.id).destroyed_at is None
    assert not any(services.blobs.exists(d) for d in files)
    assert DestructionAct.select().count() == 1


def test_hold_and_release(world, services, nok_config):
    rec, _, application = filmed(world)
    services.db.close()
    number = application.number
    held = nok(nok_config, "hold", number, "--reason", "Апелляция от 01.04.2026")
    assert held.exit_code == 0, held.output
    assert held.output == (f"Хранение видеозаписей по заявлению № {number} (Петров Пётр Петрович) продлено до "
                           "снятия: Апелляция от 01.04.2026.\n")
    twice = nok(nok_config, "hold", number, "--reason", "ещё раз")
    assert twice.exit_code == 1 and twice.stderr == f"Ошибка: Хранение записей по заявлению № {number} уже продлено.\n"
    assert "уничтожать нечего" in nok(nok_config, "run", "--today", "2030-01-01").output

    released = nok(nok_config, "release", number)
    assert released.output == f"Продление хранения по заявлению № {number} снято: действует обычный срок хранения.\n"
    again = nok(nok_config, "release", number)
    assert again.exit_code == 1 and "не продлевалось" in again.stderr
    unknown = nok(nok_config, "hold", "0000", "--reason", "апелляция")
    assert unknown.exit_code == 1 and unknown.stderr == "Ошибка: Заявление № 0000 не найдено.\n"
    no_reason = nok(nok_config, "hold", number)
    assert no_reason.exit_code == 2 and "--reason" in no_reason.stderr and "Traceback" not in no_reason.output
    assert "Акт об уничтожении" in nok(nok_config, "run", "--today", "2030-01-01").output

    services.db.connect(reuse_if_open=True)
    assert RetentionHold.select().count() == 1 and Recording.get_by_id(rec.id).destroyed_at is not None


def test_help_is_russian(nok_config):
    result = CliRunner().invoke(cli.main, ["--config", str(nok_config.config_file), "retention", "run", "--help"])
    assert result.exit_code == 0
    assert "Уничтожить видеозаписи с истёкшим сроком хранения и составить акты." in result.output
    assert "--dry-run" in result.output and "ДАТА" in result.output
