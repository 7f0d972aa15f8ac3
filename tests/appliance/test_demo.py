"""Демо-данные: complete, realistic, valid requisites, idempotent, and every demo login works."""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from appliance import cli, demo
from core import demo_data
from appliance.bootstrap import open_services
from appliance.demo import DEFAULT_PASSWORD, DemoLogin, is_demo_loaded, load_demo
from core.audit import AuditRecord, verify_chain
from core.config import KEY_ENV, save_config
from core.exceptions import ValidationError
from core.models import Organisation, OrgKind, ProfStandard, Qualification, Role, User
from core.services.auth import authenticate
from core.validators import (validate_bik, validate_correspondent_account, validate_email, validate_inn,
                             validate_kpp, validate_ogrn, validate_phone, validate_settlement_account)

PASSWORD = "Демо-пароль-2026"


@pytest.fixture
def demo_config(nok_config, monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    nok_config.plugins = []
    save_config(nok_config)
    return nok_config


@pytest.fixture
def exam_config(nok_config, monkeypatch):
    """A config with the exam plugins on, as `nok init` writes it: `nok demo` loads the exam day too."""
    monkeypatch.delenv(KEY_ENV, raising=False)
    nok_config.plugins = ["theory_exam", "practice_portfolio", "payments"]
    save_config(nok_config)
    return nok_config


@pytest.fixture
def demo_db(demo_config):
    services = open_services(demo_config)
    services.db.connect(reuse_if_open=True)
    yield services
    services.db.close()


def test_check_digit_helpers_match_real_numbers():
    # Public requisites of ПАО Сбербанк: ИНН 7707083893, ОГРН 1027700132195, БИК 044525225.
    assert demo_data.inn10("770708389") == "7707083893"
    assert demo_data.ogrn13("102770013219") == "1027700132195"
    assert demo_data.correspondent_account("044525225") == "30101810400000000225"
    account = demo_data.settlement_account("044525225", "40702", "38000012345")
    assert validate_settlement_account(account, "044525225") == account


def test_load_demo_creates_every_role_and_organisation(demo_db):
    logins = load_demo(PASSWORD)
    assert is_demo_loaded()

    kinds = [o.kind for o in Organisation.select()]
    assert sorted(kinds) == sorted(["spk", "cok", "cok", "venue", "venue", "venue", "employer"])
    spk = Organisation.get(Organisation.kind == "spk")
    assert spk.full_name == ("Совет по профессиональным квалификациям в области безопасности труда, "
                             "социальной защиты и занятости населения")
    assert spk.short_name == "СПК безопасности труда"
    cok1, cok2 = Organisation.select().where(Organisation.kind == "cok").order_by(Organisation.id)
    assert cok1.parent_id == spk.id and cok2.parent_id == spk.id
    assert "Москва" in cok1.legal_address and "Екатеринбург" in cok2.legal_address
    assert cok1.full_name.startswith("Общество с ограниченной ответственностью")
    assert cok2.full_name.startswith("Автономная некоммерческая организация")
    venues = Organisation.select().where(Organisation.kind == "venue")
    assert sorted(v.parent_id for v in venues) == [cok1.id, cok1.id, cok2.id]
    for cok in (cok1, cok2):
        assert cok.signer_name and cok.signer_position and cok.registry_number
        assert cok.contract_preamble.startswith(cok.full_name) and "«Исполнитель»" in cok.contract_preamble
        assert "на основании Устава, с одной стороны" in cok.contract_preamble

    # Staff: an Администратор and an Оператор in every organisation; experts in the СПК; applicants alone.
    for org in Organisation.select():
        roles = sorted(u.role for u in org.users if u.role in ("admin", "operator"))
        assert roles == ["admin", "operator"], org.short_name
    experts = list(User.select().where(User.role == "expert"))
    assert len(experts) == 2 and all(e.organisation_id == spk.id for e in experts)
    applicants = list(User.select().where(User.role == "applicant"))
    assert len(applicants) == 2 and all(a.organisation_id is None for a in applicants)

    assert len(logins) == User.select().count() == 18
    assert all(isinstance(x, DemoLogin) for x in logins)
    assert logins[0] == DemoLogin("Личный кабинет СПК", "Администратор", "СПК безопасности труда",
                                  "admin@spk.demo.nok")
    assert {x.cabinet for x in logins} == {"Личный кабинет СПК", "Личный кабинет ЦОК", "Личный кабинет Площадки",
                                           "Личный кабинет Работодателя", "Личный кабинет Эксперта",
                                           "Личный кабинет Соискателя"}
    assert {x.role for x in logins} == {r.title for r in Role}
    assert DemoLogin("Личный кабинет Соискателя", "Соискатель", "—", "applicant1@demo.nok") in logins


def test_demo_qualifications(demo_db):
    load_demo(PASSWORD)
    ot = ProfStandard.get(ProfStandard.code == "40.054")
    assert ot.name == "Специалист в области охраны труда"
    assert ot.approval_order == "приказ Минтруда России от 22.04.2021 № 274н"
    assert sorted((q.code, q.level) for q in ot.qualifications) == [("40.05400.01", 6), ("40.05400.02", 7)]
    assert {q.title for q in ot.qualifications} == {"Специалист по охране труда (6 уровень квалификации)",
                                                    "Специалист по охране труда (7 уровень квалификации)"}
    welder = ProfStandard.get(ProfStandard.code == "40.002")
    assert welder.name == "Сварщик"
    assert sorted(q.level for q in welder.qualifications) == [3, 4]
    assert all(q.name == "Сварщик ручной дуговой сварки плавящимся покрытым электродом"
               for q in welder.qualifications)
    assert all(q.spk.kind == OrgKind.SPK.value for q in Qualification.select())


def test_every_demo_requisite_passes_validators(demo_db):
    load_demo(PASSWORD)
    checked = 0
    for org in Organisation.select():
        assert validate_inn(org.inn, kind="legal") == org.inn
        assert validate_kpp(org.kpp) == org.kpp
        if org.ogrn:
            assert validate_ogrn(org.ogrn, kind="legal") == org.ogrn
        if org.bik:
            assert validate_bik(org.bik) == org.bik
            assert validate_settlement_account(org.settlement_account, org.bik) == org.settlement_account
            assert validate_correspondent_account(org.corr_account, org.bik) == org.corr_account
            assert org.bank_name
            checked += 1
        validate_phone(org.phone)
        validate_email(org.email)
        assert org.legal_address and org.head_name and org.head_position
    assert checked == 4  # both ЦОК, the partner venue and the employer have bank requisites
    employer = Organisation.get(Organisation.kind == "employer")
    assert employer.actual_address and employer.accountant_name and employer.hr_head_name


def test_demo_is_idempotent(demo_db):
    first = load_demo(PASSWORD)
    counts = (Organisation.select().count(), User.select().count(), Qualification.select().count(),
              AuditRecord.select().count())
    second = load_demo("другой-пароль-123")
    assert second == first
    assert (Organisation.select().count(), User.select().count(), Qualification.select().count(),
            AuditRecord.select().count()) == counts


def test_demo_logins_authenticate_and_audit_is_by_system(demo_db, demo_config):
    logins = load_demo(PASSWORD)
    for login in logins:
        user = authenticate(login.email, PASSWORD, demo_config)
        assert user.cabinet.title == login.cabinet and user.role_title == login.role
    creations = AuditRecord.select().where(AuditRecord.action == "create")
    assert creations.count() > 0 and {r.actor_label for r in creations} == {"система"}
    assert verify_chain() == AuditRecord.select().count()


def test_invalid_demo_requisite_fails_loudly(demo_db, monkeypatch):
    fields = demo_data.ORGANISATIONS[1].fields
    monkeypatch.setitem(fields, "inn", fields["inn"][:-1] + str((int(fields["inn"][-1]) + 1) % 10))
    with pytest.raises(ValidationError, match="Ошибка в демо-данных .*ИНН"):
        load_demo(PASSWORD)
    assert not is_demo_loaded() and Organisation.select().count() == 0


def test_weak_demo_password_is_refused(demo_db):
    with pytest.raises(ValidationError, match="не менее 10 символов"):
        load_demo("short1")
    assert not is_demo_loaded()


def test_nok_demo_command_twice(exam_config):
    runner = CliRunner()
    first = runner.invoke(cli.main, ["--config", str(exam_config.config_file), "demo"], catch_exceptions=False)
    assert first.exit_code == 0, first.output
    assert "Демо-данные загружены: 18 пользователей" in first.output
    assert f"Пароль всех демо-пользователей: {DEFAULT_PASSWORD}" in first.output
    for email in ("admin@spk.demo.nok", "operator@cok1.demo.nok", "admin@venue3.demo.nok",
                  "operator@employer.demo.nok", "expert2@spk.demo.nok", "applicant2@demo.nok"):
        assert email in first.output
    assert "Личный кабинет Работодателя" in first.output
    assert ("Экзаменационный день (ООО «ЦОК «Охрана труда», ЭЦ «Нижегородская», «Специалист по охране труда "
            "(6 уровень квалификации)»):") in first.output
    assert re.search(r"  • теория (?:сегодня|\d\d\.\d\d\.\d{4}) в \d\d:\d\d — экзамен начат, коды доступа: "
                     r"кабинет ЦОК → «Теория» → группа → «Печать кодов доступа»;", first.output)
    code = re.search(r"Попробуйте рабочее место экзамена: http://testserver/kiosk, код доступа ([2-9A-Z]{8}) "
                     r"\(Николаев Денис Олегович\)\.", first.output).group(1)
    assert "Traceback" not in first.output and "None" not in first.output

    second = runner.invoke(cli.main, ["--config", str(exam_config.config_file), "demo"], catch_exceptions=False)
    assert second.exit_code == 0, second.output
    assert "Демо-данные уже загружены" in second.output and "admin@spk.demo.nok" in second.output
    assert f"код доступа {code} (Николаев Денис Олегович)" in second.output  # still unused, still shown

    services = open_services(exam_config)
    services.db.connect(reuse_if_open=True)
    try:
        assert User.select().count() == 18 + 24  # the demo logins and the exam day's candidates
        assert authenticate("admin@cok2.demo.nok", DEFAULT_PASSWORD, exam_config).organisation.short_name == \
            "АНО «Уральский ЦОК»"
    finally:
        services.db.close()


def test_nok_demo_without_exam_plugins_says_so(demo_config):
    result = CliRunner().invoke(cli.main, ["--config", str(demo_config.config_file), "demo"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert ("Экзаменационный день в демо-данных не загружен: включите модули theory_exam и practice_portfolio"
            in result.output)


def test_demo_catalog_lets_an_applicant_apply_right_away(nok_config):
    """Offers, prices, future slots and experts with valid certificates come with the demo."""
    import datetime as dt

    from appliance.bootstrap import open_services
    from appliance.demo import load_demo
    from core.models import ExamSlot, ExpertCertificate, Price, QualificationOffer
    from core.plugins import PluginHost

    services = open_services(nok_config, PluginHost())
    with services.db.connection_context():
        load_demo()
        assert QualificationOffer.select().count() == 8 and Price.select().count() == 8
        # «КОС выгружен» only where a КОС is stored: the demo КОС of 40.05400.01, in both ЦОК.
        loaded = QualificationOffer.select().where(QualificationOffer.kos_loaded_at.is_null(False))
        assert sorted((o.qualification.code, o.kos_version) for o in loaded) == [("40.05400.01", "2026.1")] * 2
        assert ExamSlot.select().where(ExamSlot.starts_at > dt.datetime.now()).count() > 100
        today = dt.date.today()
        valid = ExpertCertificate.select().where((ExpertCertificate.valid_from <= today)
                                                 & (ExpertCertificate.valid_to >= today))
        assert valid.count() == 8
    services.db.close()
