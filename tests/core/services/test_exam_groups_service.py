"""Exam groups: commission rules, assignment, admission, the order and «Начать экзамен»."""
import datetime as dt
import io
import secrets
from decimal import Decimal

import pytest

from core.blobstore import BlobStore
from core.exceptions import NotFoundError, ValidationError
from core.models import (Admission, Application, ApplicationStatusChange, CommissionMember, ExamGroup, ExamSlot,
                         ExpertCertificate, GroupMember, Invoice, OrgKind, ProfStandard, Qualification,
                         QualificationOffer, Role)
from core.plugins import PluginHost
from core.services import exam_groups as svc
from core.services.access_codes import ALPHABET, CODE_LENGTH
from core.workflow import Status

EXAM_DAY = dt.date.today() + dt.timedelta(days=10)


class World:
    """A ЦОК with a venue, a qualification it assesses, certified experts and paid applicants."""

    def __init__(self, factory):
        self.factory = factory
        self.spk = factory.org(OrgKind.SPK)
        self.cok = factory.org(OrgKind.COK, parent=self.spk)
        self.venue = factory.org(OrgKind.VENUE, parent=self.cok)
        self.other_cok = factory.org(OrgKind.COK, parent=self.spk)
        std = ProfStandard.create(code="40.054", name="Специалист в области охраны труда")
        self.qual = Qualification.create(spk=self.spk, prof_standard=std, code="40.05400.01",
                                         name="Специалист по охране труда", level=6)
        self.qual2 = Qualification.create(spk=self.spk, prof_standard=std, code="40.05400.02",
                                          name="Руководитель службы охраны труда", level=7)
        for cok in (self.cok, self.other_cok):
            for qual in (self.qual, self.qual2):
                QualificationOffer.create(cok=cok, qualification=qual)
        self.admin = factory.user(Role.ADMIN, self.cok)
        self.operator = factory.user(Role.OPERATOR, self.cok)
        self.venue_admin = factory.user(Role.ADMIN, self.venue)
        self.stranger = factory.user(Role.ADMIN, self.other_cok)
        self.chair = self.expert(full_name="Волков Павел Андреевич")
        self.member = self.expert(full_name="Зайцева Ольга Игоревна")
        self.plugins = PluginHost()

    def expert(self, qual=None, valid_to=None, **fields):
        user = self.factory.user(Role.EXPERT, self.spk, **fields)
        year = dt.timedelta(days=365)
        ExpertCertificate.create(expert=user, qualification=qual or self.qual, valid_from=EXAM_DAY - year,
                                 valid_to=valid_to or EXAM_DAY + year, protocol_number="12",
                                 protocol_date=EXAM_DAY - year - dt.timedelta(days=1))
        return user

    def form(self, **overrides):
        values = dict(date=EXAM_DAY.isoformat(), time="10:00", duration_minutes="120", venue=str(self.venue.id),
                      seats="2", qualification=str(self.qual.id), expert_ids=(str(self.chair.id), str(self.member.id)),
                      chair_ids=(str(self.chair.id),))
        values.update(overrides)
        return svc.GroupForm(**values)

    def application(self, status=Status.PAID_DATE_AGREEMENT, *, paid=True, cok=None, qual=None, **fields):
        applicant = self.factory.user(Role.APPLICANT, **fields)
        app = Application.create(applicant=applicant, cok=cok or self.cok, venue=self.venue,
                                 qualification=qual or self.qual, status=status.value, full_name=applicant.full_name,
                                 submitted_at=dt.datetime(2026, 1, 1))
        Invoice.create(number=f"С-{app.id}", cok=app.cok, application=app, payer_name=applicant.full_name,
                       amount=Decimal("15000.00"), contract_number=f"Д-{app.id}", issued_on=dt.date(2026, 1, 2),
                       paid_at=dt.datetime(2026, 1, 3) if paid else None)
        return app


@pytest.fixture
def world(sqlcipher_db, factory):
    return World(factory)


@pytest.fixture
def group(world):
    return svc.create_group(world.admin, "theory", world.form())


def _status(app):
    return Application.get_by_id(app.id).status


def test_create_group_with_commission_and_list_it(world, group):
    chair = CommissionMember.get((CommissionMember.group == group) & CommissionMember.is_chair)
    assert chair.expert_id == world.chair.id and len(svc.commission_of(group)) == 2
    assert group.cok_id == world.cok.id and group.starts_at == dt.datetime.combine(EXAM_DAY, dt.time(10))
    svc.assign_application(world.admin, group, world.application(), world.plugins)
    groups, total = svc.list_groups(world.admin, "theory", svc.GroupFilter())
    assert total == 1 and groups[0].taken == 1 and groups[0].venue.id == world.venue.id
    assert svc.list_groups(world.admin, "practice", svc.GroupFilter()) == ([], 0)
    assert svc.list_groups(world.admin, "theory", svc.GroupFilter(qualification=world.qual2.id))[1] == 0
    assert svc.list_groups(world.admin, "theory", svc.GroupFilter(date_from=EXAM_DAY, date_to=EXAM_DAY))[1] == 1
    assert svc.list_groups(world.admin, "theory", svc.GroupFilter(date_to=EXAM_DAY - dt.timedelta(days=1)))[1] == 0
    assert svc.list_groups(world.venue_admin, "theory", svc.GroupFilter(venue=world.venue.id))[1] == 1
    assert svc.list_groups(world.stranger, "theory", svc.GroupFilter()) == ([], 0)


def test_expert_without_valid_certificate_is_refused(world):
    expired = world.expert(valid_to=EXAM_DAY - dt.timedelta(days=1), full_name="Просрочкин Иван Иванович")
    other_qual = world.expert(qual=world.qual2, full_name="Другой Пётр Петрович")
    for outsider in (expired, other_qual):
        with pytest.raises(ValidationError, match="без действующего") as info:
            svc.create_group(world.admin, "theory", world.form(expert_ids=(str(world.chair.id), str(outsider.id))))
        assert info.value.field == "experts" and outsider.full_name in str(info.value)
    assert not ExamGroup.select().exists(), "ошибка в комиссии не оставляет группу без комиссии"
    assert [u.id for u in svc.expert_choices(world.qual, EXAM_DAY)] == [world.chair.id, world.member.id]


@pytest.mark.parametrize("chairs, message", [
    ((), "Назначьте председателя"),
    (("CHAIR", "MEMBER"), "только один"),
    (("OUTSIDER",), "входить в состав"),
])
def test_exactly_one_chair_from_the_commission(world, chairs, message):
    ids = {"CHAIR": world.chair.id, "MEMBER": world.member.id, "OUTSIDER": world.expert().id}
    with pytest.raises(ValidationError, match=message) as info:
        svc.create_group(world.admin, "theory", world.form(chair_ids=tuple(str(ids[c]) for c in chairs)))
    assert info.value.field == "chair"
    with pytest.raises(ValidationError, match="хотя бы одного эксперта"):
        svc.create_group(world.admin, "theory", world.form(expert_ids=()))


def test_set_commission_replaces_members_and_chair(world, group):
    third = world.expert()
    assert svc.set_commission(world.operator, group, [world.member.id, third.id], third.id)
    rows = {m.expert_id: m.is_chair for m in CommissionMember.select().where(CommissionMember.group == group)}
    assert rows == {world.member.id: False, third.id: True}
    assert not svc.set_commission(world.operator, group, [world.member.id, third.id], third.id)
    with pytest.raises(ValidationError, match="только один"):
        svc.set_commission(world.operator, group, [world.member.id, third.id], [third.id, world.member.id])


def test_form_values_are_checked(world):
    other_venue = world.factory.org(OrgKind.VENUE, parent=world.other_cok)
    cases = [(dict(date=""), "date"), (dict(time="25:99"), "time"), (dict(seats="0"), "seats"),
             (dict(duration_minutes="ч"), "duration_minutes"), (dict(venue=str(other_venue.id)), "venue"),
             (dict(date=(dt.date.today() - dt.timedelta(days=1)).isoformat()), "date")]
    for overrides, field in cases:
        with pytest.raises(ValidationError) as info:
            svc.create_group(world.admin, "theory", world.form(**overrides))
        assert info.value.field == field, overrides
    unoffered = Qualification.create(spk=world.spk, prof_standard=world.qual.prof_standard, code="40.05400.03",
                                     name="Не предлагается", level=5)
    with pytest.raises(ValidationError, match="квалификацию"):
        svc.create_group(world.admin, "theory", world.form(qualification=str(unoffered.id)))


def test_venue_staff_work_only_at_their_venue(world):
    assert svc.venue_choices(world.venue_admin) == [world.venue]
    group = svc.create_group(world.venue_admin, "practice", world.form())
    assert group.cok_id == world.cok.id and group.venue_id == world.venue.id
    second = world.factory.org(OrgKind.VENUE, parent=world.cok)
    with pytest.raises(ValidationError, match="площадку"):
        svc.create_group(world.venue_admin, "practice", world.form(venue=str(second.id)))
    elsewhere = svc.create_group(world.admin, "practice", world.form(venue=str(second.id)))
    with pytest.raises(NotFoundError):
        svc.get_group(world.venue_admin, "practice", elsewhere.id)


def test_other_cok_cannot_see_or_change_the_group(world, group):
    with pytest.raises(NotFoundError):
        svc.get_group(world.stranger, "theory", group.id)
    with pytest.raises(NotFoundError):
        svc.get_group(world.admin, "practice", group.id)
    with pytest.raises(NotFoundError):
        svc.set_commission(world.stranger, group, [world.chair.id], world.chair.id)
    with pytest.raises(NotFoundError):
        svc.update_group(world.stranger, group, world.form())
    member = svc.assign_application(world.admin, group, world.application(), world.plugins)
    with pytest.raises(NotFoundError):
        svc.admit(world.stranger, member, world.plugins, identity_confirmed=True)
    with pytest.raises(NotFoundError):
        svc.assign_application(world.stranger, group, world.application(), world.plugins)


def test_seats_cannot_shrink_below_members(world, group):
    svc.assign_application(world.admin, group, world.application(), world.plugins)
    svc.assign_application(world.admin, group, world.application(), world.plugins)
    with pytest.raises(ValidationError, match="нет свободных мест"):
        svc.assign_application(world.admin, group, world.application(), world.plugins)
    with pytest.raises(ValidationError, match="мест не может быть меньше") as info:
        svc.update_group(world.admin, group, world.form(seats="1"))
    assert info.value.field == "seats"
    with pytest.raises(ValidationError, match="квалификацию изменить нельзя"):
        svc.update_group(world.admin, group, world.form(qualification=str(world.qual2.id), expert_ids=(),
                                                        chair_ids=()))
    svc.update_group(world.admin, group, world.form(seats="5", time="11:30"))
    assert ExamGroup.get_by_id(group.id).seats == 5


def test_assign_checks_status_qualification_and_cok(world, group):
    for app, message in [(world.application(Status.AWAITING_PAYMENT), "Ожидает оплаты"),
                         (world.application(qual=world.qual2), "Квалификация"),
                         (world.application(cok=world.other_cok), "не найдено")]:
        with pytest.raises((ValidationError, NotFoundError), match=message):
            svc.assign_application(world.admin, group, app, world.plugins)
    app = world.application(Status.PAID_DATE_CONFIRMATION)
    svc.assign_application(world.operator, group, app, world.plugins)
    assert _status(app) == Status.EXAM_SCHEDULED.value
    assert ApplicationStatusChange.get(ApplicationStatusChange.application == app).to_status == "exam_scheduled"


def test_remove_member_returns_the_application_to_date_agreement(world, group):
    app = world.application()
    member = svc.assign_application(world.admin, group, app, world.plugins)
    svc.remove_member(world.admin, svc.get_member(group, member.id), world.plugins)
    assert _status(app) == Status.PAID_DATE_AGREEMENT.value and not GroupMember.select().exists()
    member = svc.assign_application(world.admin, group, app, world.plugins)
    svc.admit(world.admin, svc.get_member(group, member.id), world.plugins, identity_confirmed=True)
    with pytest.raises(ValidationError, match="уже допущен"):
        svc.remove_member(world.admin, svc.get_member(group, member.id), world.plugins)


def test_eligible_applications_put_the_chosen_date_first(world, group):
    other_day = world.application(full_name="Аксёнов Антон Антонович")
    chose = world.application(full_name="Яковлев Яков Яковлевич")
    chose.slot = ExamSlot.create(venue=world.venue, qualification=world.qual, seats=5,
                                 starts_at=dt.datetime.combine(EXAM_DAY, dt.time(9)))
    chose.save()
    world.application(Status.SUBMITTED)
    world.application(qual=world.qual2)
    apps, total = svc.eligible_applications(world.operator, group)
    assert total == 2 and [a.id for a in apps] == [chose.id, other_day.id]
    assert [a.id for a in svc.eligible_applications(world.operator, group, name="Аксён")[0]] == [other_day.id]
    assert [g.id for g in svc.eligible_groups(world.operator, "theory", chose)] == [group.id]


def test_admission_needs_payment_and_identity(world, group):
    unpaid = svc.assign_application(world.admin, group, world.application(paid=False), world.plugins)
    with pytest.raises(ValidationError, match="не оплачен"):
        svc.admit(world.admin, unpaid, world.plugins, identity_confirmed=True)
    paid = svc.assign_application(world.admin, group, world.application(), world.plugins)
    with pytest.raises(ValidationError, match="удостоверяющему личность") as info:
        svc.admit(world.admin, paid, world.plugins, identity_confirmed=False)
    assert info.value.field == "identity_confirmed"
    svc.admit(world.operator, paid, world.plugins, identity_confirmed=True)
    assert GroupMember.get_by_id(paid.id).admission == Admission.ADMITTED
    assert _status(paid.application) == Status.ADMITTED.value
    with pytest.raises(ValidationError, match="уже принято"):
        svc.admit(world.operator, paid, world.plugins, identity_confirmed=True)


def test_postpayment_counts_as_cleared(world, group):
    app = world.application(paid=False)
    Invoice.update(payment_terms="postpayment").where(Invoice.application == app).execute()
    member = svc.assign_application(world.admin, group, app, world.plugins)
    assert svc.payment_states([app]) == {app.id: svc.PaymentState.POSTPAYMENT}
    svc.admit(world.admin, member, world.plugins, identity_confirmed=True)


def test_refusal_needs_a_reason(world, group):
    member = svc.assign_application(world.admin, group, world.application(), world.plugins)
    with pytest.raises(ValidationError, match="причину") as info:
        svc.refuse(world.admin, member, world.plugins, "  ")
    assert info.value.field == "reason"
    svc.refuse(world.admin, member, world.plugins, "Не предъявил паспорт")
    assert GroupMember.get_by_id(member.id).refusal_reason == "Не предъявил паспорт"
    change = ApplicationStatusChange.select().order_by(ApplicationStatusChange.id.desc()).first()
    assert change.to_status == Status.NOT_ADMITTED.value and change.comment == "Не предъявил паспорт"


def test_start_needs_signed_order_and_admitted_candidates(world, group, tmp_path):
    member = svc.assign_application(world.admin, group, world.application(), world.plugins)
    late = svc.assign_application(world.admin, group, world.application(), world.plugins)
    with pytest.raises(ValidationError, match="подпишите"):
        svc.start_exam(world.admin, group)
    blobs = BlobStore(tmp_path / "blobs", secrets.token_bytes(32))
    with pytest.raises(ValidationError, match="сформируйте приказ"):
        svc.sign_order(world.admin, group, blobs)
    group.order_signed_at = dt.datetime.now()  # signed (the PDF itself is tested in test_order_pdf_*)
    group.save()
    with pytest.raises(ValidationError, match="допущенных"):
        svc.start_exam(world.admin, group)
    svc.admit(world.admin, member, world.plugins, identity_confirmed=True)
    started = svc.start_exam(world.operator, group)
    code = GroupMember.get_by_id(member.id).access_code
    assert [m.id for m in started] == [member.id] and ExamGroup.get_by_id(group.id).started_at
    assert len(code) == CODE_LENGTH and set(code) <= set(ALPHABET)
    assert GroupMember.get_by_id(late.id).access_code is None
    svc.admit(world.admin, svc.get_member(group, late.id), world.plugins, identity_confirmed=True)
    assert GroupMember.get_by_id(late.id).access_code not in (None, code), "опоздавший получает код сразу"
    with pytest.raises(ValidationError, match="уже начат"):
        svc.start_exam(world.admin, group)
    with pytest.raises(ValidationError, match="уже начат"):
        svc.assign_application(world.admin, group, world.application(), world.plugins)
    new = svc.regenerate_code(world.admin, svc.get_member(group, member.id))
    assert new != code and GroupMember.get_by_id(member.id).access_code == new


def test_sign_without_facsimile_is_refused(world, group, tmp_path):
    group.order_number, group.order_pdf = "15-НОК", "0" * 64
    group.save()
    with pytest.raises(ValidationError, match="нет факсимиле"):
        svc.sign_order(world.admin, group, BlobStore(tmp_path / "blobs", secrets.token_bytes(32)))


def test_order_pdf_generated_and_read_back(world, group, tmp_path):
    from pypdf import PdfReader

    world.cok.inn, world.cok.signer_name, world.cok.signer_position = "7707083893", "Орлов Игорь Петрович", "Директор"
    world.cok.save()
    names = ["Соколов Дмитрий Олегович", "Белова Анна Сергеевна"]
    for name in names:
        svc.assign_application(world.admin, group, world.application(full_name=name), world.plugins)
    blobs = BlobStore(tmp_path / "blobs", secrets.token_bytes(32))
    with pytest.raises(ValidationError, match="Дата приказа"):
        svc.generate_order(world.admin, group, "15-НОК", "", blobs)
    svc.generate_order(world.operator, group, "15-НОК", "05.12.2026", blobs)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(blobs.read(group.order_pdf))).pages)
    assert "15-НОК" in text and "5 декабря 2026" in text and all(n in " ".join(text.split()) for n in names)
    assert svc.order_pdf(world.admin, group, blobs).startswith(b"%PDF")
    group.order_signed_at = dt.datetime.now()  # signing with a facsimile: tests/appliance/exam_groups
    group.save()
    svc.update_group(world.admin, group, world.form(time="12:00"))
    changed = ExamGroup.get_by_id(group.id)
    assert changed.order_signed_at is None and changed.order_pdf is None, "изменённая группа требует нового приказа"
    assert changed.order_number == "15-НОК", "номер и дата остаются для повторного формирования"
