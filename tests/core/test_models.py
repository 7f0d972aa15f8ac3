"""Core models behave the same on SQLCipher and PostgreSQL."""
import peewee
import pytest

from core.models import Cabinet, Organisation, OrgKind, ProfStandard, Qualification, Role, User


def test_organisation_hierarchy_and_requisites(db, factory):
    spk = factory.org(OrgKind.SPK, full_name="Совет по профессиональным квалификациям в строительстве",
                      short_name="СПК в строительстве")
    cok = factory.org(OrgKind.COK, parent=spk, inn="7707083893", kpp="773601001", ogrn="1027700132195",
                      bik="044525225", settlement_account="40702810938000000001",
                      corr_account="30101810400000000225")
    venue = factory.org(OrgKind.VENUE, parent=cok)
    assert venue.parent.parent.id == spk.id
    assert [c.id for c in spk.children] == [cok.id]
    assert Organisation.get_by_id(cok.id).kind_title == "ЦОК"
    with pytest.raises(peewee.IntegrityError):
        with db.atomic():
            spk.delete_instance()


def test_qualification_level_is_constrained(db, factory):
    spk = factory.org(OrgKind.SPK)
    std = ProfStandard.create(code="40.054", name="Специалист в области охраны труда",
                              approval_order="приказ Минтруда России от 22.04.2021 № 274н")
    q = Qualification.create(spk=spk, prof_standard=std, code="40.05400.01", name="Специалист по охране труда",
                             level=6, validity_years=5)
    assert q.title == "Специалист по охране труда (6 уровень квалификации)"
    with pytest.raises(peewee.IntegrityError):
        with db.atomic():
            Qualification.create(spk=spk, prof_standard=std, code="40.05400.02", name="Ошибка", level=10)


def test_user_email_unique_and_cabinets(db, factory):
    spk = factory.org(OrgKind.SPK)
    cok = factory.org(OrgKind.COK, parent=spk)
    venue = factory.org(OrgKind.VENUE, parent=cok)
    employer = factory.org(OrgKind.EMPLOYER)
    cases = {
        Cabinet.SPK: factory.user(Role.ADMIN, spk),
        Cabinet.COK: factory.user(Role.OPERATOR, cok),
        Cabinet.VENUE: factory.user(Role.ADMIN, venue),
        Cabinet.EMPLOYER: factory.user(Role.ADMIN, employer),
        Cabinet.EXPERT: factory.user(Role.EXPERT, spk),
        Cabinet.APPLICANT: factory.user(Role.APPLICANT),
    }
    for cabinet, user in cases.items():
        assert User.get_by_id(user.id).cabinet is cabinet
    with pytest.raises(peewee.IntegrityError):
        with db.atomic():
            User.create(email=cases[Cabinet.SPK].email, full_name="Двойник", role=Role.APPLICANT.value)
