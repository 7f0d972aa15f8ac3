"""`nok kos import|export|list` and `nok demo` loading the demo КОС: real config, real SQLCipher database."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from appliance import cli
from appliance.bootstrap import open_services
from core.config import CONFIG_ENV, KEY_ENV, load_config, save_config
from core.kos import export_kos
from core.models import Kos, OrgKind, ProfStandard, Qualification, QualificationOffer
from kos_web_kit import asset, kos_json


@pytest.fixture
def cfg(nok_config, monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    nok_config.plugins = []
    save_config(nok_config)
    return nok_config


@pytest.fixture
def qualification(cfg, factory):
    """40.05400.01 offered by a ЦОК, made directly in the appliance's database."""
    services = _open(cfg)
    spk = factory.org(OrgKind.SPK)
    cok = factory.org(OrgKind.COK, parent=spk)
    std = ProfStandard.create(code="40.054", name="Специалист в области охраны труда")
    qualification = Qualification.create(spk=spk, prof_standard=std, code="40.05400.01",
                                         name="Специалист по охране труда", level=6)
    QualificationOffer.create(cok=cok, qualification=qualification)
    services.db.close()
    return qualification


def _open(config):
    services = open_services(load_config(config.config_file))
    services.db.connect(reuse_if_open=True)
    return services


def run(config, *args: str):
    return CliRunner().invoke(cli.main, ["--config", str(config.config_file), *args], catch_exceptions=False)


def assert_clean_error(result, *fragments: str, code: int = 1) -> None:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output and result.stderr.startswith("Ошибка: ")
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


def test_import_list_and_export(cfg, qualification, tmp_path):
    source = tmp_path / "кос.json"
    source.write_bytes(kos_json())
    result = run(cfg, "kos", "import", "40.05400.01", str(source))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("КОС версии «2026.1» загружен для квалификации 40.05400.01 «Специалист по охране "
                                    "труда (6 уровень квалификации)» (JSON (nok-kos/1)): 8 вопросов в 2 разделах, в тесте "
                                    "6, проходной балл 4.")
    listing = run(cfg, "kos", "list")
    assert listing.exit_code == 0
    row = next(line for line in listing.stdout.splitlines() if line.startswith("40.05400.01"))
    assert "2026.1" in row and " 8 " in row and "JSON" in row

    target = tmp_path / "выгрузка.json"
    exported = run(cfg, "kos", "export", "40.05400.01", "-o", str(target))
    assert exported.exit_code == 0 and "сохранён" in exported.stderr
    to_stdout = run(cfg, "kos", "export", "40.05400.01")
    services = _open(cfg)
    kos = Kos.get(Kos.qualification == qualification.id)
    assert target.read_bytes() == export_kos(kos) == to_stdout.stdout_bytes
    assert QualificationOffer.get(QualificationOffer.qualification == qualification.id).kos_version == "2026.1"
    services.db.close()


def test_moodle_import_with_and_without_passport(cfg, qualification, tmp_path):
    bank = tmp_path / "bank.xml"
    bank.write_bytes(asset("moodle_labour_safety.xml"))
    plain = run(cfg, "kos", "import", "40.05400.01", str(bank))
    assert plain.exit_code == 0, plain.output
    assert "Moodle XML" in plain.stdout and "• Спецификация теста не задана" in plain.stdout
    passport = json.loads(kos_json(version="2026.7"))
    del passport["theory"]["sections"]
    passport["theory"]["specification"] = {"time_limit_minutes": 40, "pass_points": 3,
                                           "draw": [{"section": "training", "count": 2}, {"section": "s2", "count": 2}]}
    passport_file = tmp_path / "паспорт.json"
    passport_file.write_text(json.dumps(passport, ensure_ascii=False), encoding="utf-8")
    result = run(cfg, "kos", "import", "40.05400.01", str(bank), "--passport", str(passport_file))
    assert result.exit_code == 0, result.output
    assert "КОС версии «2026.7» загружен" in result.stdout and "в тесте 4, проходной балл 3" in result.stdout
    assert "•" not in result.stdout


def test_errors_are_one_russian_line(cfg, qualification, tmp_path):
    bad = tmp_path / "kos.zip"
    bad.write_bytes(asset("bad/no_correct_response.zip"))
    assert_clean_error(run(cfg, "kos", "import", "40.05400.01", str(bad)),
                       "Вопрос training-act: нет правильного ответа (correctResponse)")
    good = tmp_path / "kos.json"
    good.write_bytes(kos_json())
    assert_clean_error(run(cfg, "kos", "import", "99.99999.99", str(good)), "Квалификация с кодом «99.99999.99» не найдена")
    assert_clean_error(run(cfg, "kos", "export", "40.05400.01"), "У квалификации 40.05400.01 нет КОС ни одной версии")
    assert run(cfg, "kos", "import", "40.05400.01", str(good)).exit_code == 0
    assert_clean_error(run(cfg, "kos", "import", "40.05400.01", str(good)), "Версия КОС «2026.1»", "уже загружена")
    assert_clean_error(run(cfg, "kos", "export", "40.05400.01", "--version", "1.0"), "нет КОС версии «1.0»")
    missing = run(cfg, "kos", "import", "40.05400.01", str(tmp_path / "нет.json"))
    assert missing.exit_code == 2 and "не существует" in missing.stderr and "Traceback" not in missing.output


def test_demo_loads_the_labour_safety_kos(cfg):
    assert run(cfg, "demo", "--password", "Демо-пароль-2026").exit_code == 0
    listing = run(cfg, "kos", "list")
    row = next(line for line in listing.stdout.splitlines() if line.startswith("40.05400.01"))
    assert "2026.1" in row and " 67 " in row
    services = _open(cfg)
    kos = Kos.get()
    assert kos.title == "КОС «Специалист по охране труда (6 уровень квалификации)»" and kos.loaded_by_id is None
    offers = QualificationOffer.select().where(QualificationOffer.qualification == kos.qualification_id)
    assert {o.kos_version for o in offers} == {"2026.1"} and offers.count() == 2
    services.db.close()
