"""The experts database on the appliance: who manages it, certificates, and who may sit on a commission."""
import datetime as dt

import pytest

from centre_services_world import ServicesWorld
from core.exceptions import NotFoundError, PermissionDeniedError, ValidationError
from core.models import CommissionMember, ExamGroup, ExpertCertificate, Role, User
from core.services import experts as svc

TODAY = dt.date.today()


@pytest.fixture
def world(sqlcipher_db, factory):
    return ServicesWorld(factory)


def _cert(world, **changes):
    values = dict(qualification_id=world.qual.id, valid_from=TODAY - dt.timedelta(days=10),
                  valid_to=TODAY + dt.timedelta(days=10), protocol_number=" 7 / 2026 ", protocol_date=TODAY)
    values.update(changes)
    return svc.CertificateForm(**values)


def test_admin_of_a_centre_creates_an_expert_of_its_spk(world):
    expert = svc.create_expert(world.admin, svc.ExpertForm("Зайцева Ольга Игоревна", "Olga@Mail.ru", "89024314444"))
    assert (expert.role, expert.organisation_id, expert.email, expert.phone) == (
        Role.EXPERT.value, world.spk.id, "olga@mail.ru", "+79024314444")
    svc.update_expert(world.admin, expert, svc.ExpertForm("Зайцева Ольга Игоревна", "zo@mail.ru", "", "Инженер"))
    assert User.get_by_id(expert.id).email == "zo@mail.ru"
    experts, total = svc.list_experts(world.venue_admin)  # the venue sees its СПК's experts
    assert total == 1 and experts[0].certificates == []
    assert svc.list_experts(world.far_admin) == ([], 0)
    for actor in (world.operator, world.venue_admin):
        with pytest.raises(PermissionDeniedError):
            svc.create_expert(actor, svc.ExpertForm("Иванов Иван", "i@mail.ru"))
    with pytest.raises(NotFoundError):
        svc.update_expert(world.far_admin, expert, svc.ExpertForm("Иванов Иван", "i@mail.ru"))
    with pytest.raises(ValidationError) as caught:
        svc.create_expert(world.admin, svc.ExpertForm("Иванов Иван", "zo@mail.ru"))
    assert caught.value.field == "email"


def test_certificates_and_valid_experts(world):
    first = svc.create_expert(world.admin, svc.ExpertForm("Волков Павел Андреевич", "v@mail.ru"))
    second = svc.create_expert(world.admin, svc.ExpertForm("Андреев Павел Андреевич", "a@mail.ru"))
    cert = svc.add_certificate(world.admin, first, _cert(world))
    assert cert.protocol_number == "7 / 2026"
    svc.add_certificate(world.admin, second, _cert(world, valid_from=TODAY + dt.timedelta(days=5)))
    svc.add_certificate(world.admin, second, _cert(world, qualification_id=world.qual2.id))
    assert svc.experts_valid_for(world.qual, TODAY) == [first]
    assert svc.experts_valid_for(world.qual, TODAY + dt.timedelta(days=6)) == [second, first]  # by name
    assert svc.experts_valid_for(world.qual, TODAY + dt.timedelta(days=11)) == []
    second.is_active = False
    second.save()
    assert svc.experts_valid_for(world.qual2, TODAY) == []
    experts, _ = svc.list_experts(world.admin)
    assert {e.full_name: len(e.certificates) for e in experts} == {"Андреев Павел Андреевич": 2,
                                                                   "Волков Павел Андреевич": 1}
    svc.remove_certificate(world.admin, cert)
    assert svc.experts_valid_for(world.qual, TODAY) == []


@pytest.mark.parametrize(("changes", "field"), [
    ({"qualification_id": 999999}, "qualification"),
    ({"valid_to": TODAY - dt.timedelta(days=11)}, "valid_to"),
    ({"protocol_number": "  "}, "protocol_number"),
    ({"protocol_date": TODAY + dt.timedelta(days=1)}, "protocol_date"),
    ({"protocol_date": TODAY - dt.timedelta(days=30), "valid_to": TODAY - dt.timedelta(days=31),
      "valid_from": TODAY - dt.timedelta(days=40)}, "protocol_date"),
])
def test_certificate_rules(world, changes, field):
    expert = svc.create_expert(world.admin, svc.ExpertForm("Волков Павел Андреевич", "v@mail.ru"))
    with pytest.raises(ValidationError) as caught:
        svc.add_certificate(world.admin, expert, _cert(world, **changes))
    assert caught.value.field == field


def test_certificate_of_another_spk_and_overlaps_are_refused(world):
    expert = svc.create_expert(world.admin, svc.ExpertForm("Волков Павел Андреевич", "v@mail.ru"))
    svc.add_certificate(world.admin, expert, _cert(world))
    with pytest.raises(ValidationError, match="на эти даты"):
        svc.add_certificate(world.admin, expert, _cert(world, valid_from=TODAY))
    with pytest.raises(NotFoundError):
        svc.add_certificate(world.far_admin, expert, _cert(world))
    cert = ExpertCertificate.get(ExpertCertificate.expert == expert)
    with pytest.raises(NotFoundError):
        svc.get_certificate(world.far_admin, expert, cert.id)


def test_expert_on_a_commission_cannot_be_deleted(world):
    expert = svc.create_expert(world.admin, svc.ExpertForm("Волков Павел Андреевич", "v@mail.ru"))
    group = ExamGroup.create(kind="theory", cok=world.cok, venue=world.venue, qualification=world.qual,
                             starts_at=dt.datetime.now(), seats=3)
    CommissionMember.create(group=group, expert=expert, is_chair=True)
    with pytest.raises(ValidationError, match="комиссию"):
        svc.delete_expert(world.admin, expert)
    CommissionMember.delete().execute()
    svc.delete_expert(world.admin, expert)
    assert User.get_or_none(User.id == expert.id) is None
