"""Групповая заявка: the status table (every allowed and forbidden move), header, rows, documents, enrolment."""
import itertools
from types import SimpleNamespace

import pytest

from core.exceptions import NotFoundError, PermissionDeniedError, ValidationError
from core.models import (Application, AuditRecord, GroupApplication, OrgKind, OutgoingMail, ProfStandard,
                         Qualification, QualificationOffer, Role, StoredDocument)
from core.plugins import PluginHost
from core.services import group_applications as groups
from core.services.group_applications import GROUP_TRANSITIONS, GroupStatus, change_group_status
from core.testing import count_queries
from core.uploads import StoredUpload
from core.workflow import ActorKind, Status

ALLOWED = [(t.source, t.target, actor) for t in GROUP_TRANSITIONS for actor in sorted(t.actors)]
FORBIDDEN_PAIRS = [(s, t) for s, t in itertools.product(GroupStatus, GroupStatus)
                   if groups.find_group_transition(s, t) is None]
WRONG_ACTORS = [(t.source, t.target, actor) for t in GROUP_TRANSITIONS for actor in ActorKind if actor not in t.actors]
PDF = StoredUpload("a" * 64, 1234, "application/pdf", "устав.pdf")


def build_world(factory) -> SimpleNamespace:
    """A ЦОК with a venue assessing two qualifications of one профстандарт; two employers with staff."""
    spk = factory.org(OrgKind.SPK)
    cok = factory.org(OrgKind.COK, parent=spk, short_name="ЦОК «Профи»", email="info@profi.ru")
    venue = factory.org(OrgKind.VENUE, parent=cok, short_name="Площадка «Север»")
    other_cok = factory.org(OrgKind.COK, parent=spk, short_name="ЦОК «Юг»")
    standard = ProfStandard.create(code="40.054", name="Специалист в области охраны труда")
    quals = [Qualification.create(spk=spk, prof_standard=standard, code=f"40.05400.0{n}",
                                  name=f"Специалист по охране труда {n}", level=5 + n) for n in (1, 2, 3)]
    for qual in quals[:2]:
        QualificationOffer.create(cok=cok, qualification=qual)
    employer = factory.org(OrgKind.EMPLOYER, short_name="СтройМонтаж", email="office@stroy.ru")
    stranger = factory.org(OrgKind.EMPLOYER, short_name="Чужой")
    return SimpleNamespace(spk=spk, cok=cok, venue=venue, other_cok=other_cok,
                           other_venue=factory.org(OrgKind.VENUE, parent=other_cok), standard=standard,
                           qual=quals[0], qual2=quals[1], not_offered=quals[2], employer=employer,
                           admin=factory.user(Role.ADMIN, employer, password=None),
                           operator=factory.user(Role.OPERATOR, employer, password=None), stranger=stranger,
                           stranger_admin=factory.user(Role.ADMIN, stranger, password=None),
                           cok_admin=factory.user(Role.ADMIN, cok, password=None), plugins=PluginHost())


def header(w, **changes) -> dict[str, str]:
    return {"cok": str(w.cok.id), "prof_standard": str(w.standard.id), "payment_terms": "prepayment", **changes}


def draft(w, *, people=3, document=True) -> GroupApplication:
    group = groups.save_group(w.admin, w.employer, header(w))
    groups.add_row(w.admin, w.employer, group, {"qualification": str(w.qual.id), "venue": str(w.venue.id),
                                                "people_count": str(people)})
    if document and not groups.organisation_documents(w.employer).exists():
        groups.add_organisation_document(w.admin, w.employer, PDF, "Устав")
    return group


def sent(w, **kw) -> GroupApplication:
    return change_group_status(draft(w, **kw), GroupStatus.SUBMITTED, ActorKind.EMPLOYER, w.admin, w.plugins)


@pytest.fixture
def w(sqlcipher_db, factory):
    return build_world(factory)


# --- the status table ---------------------------------------------------------------------------

def test_every_status_has_a_russian_title_and_is_reachable():
    assert {GroupStatus.DRAFT} | {t.target for t in GROUP_TRANSITIONS} == set(GroupStatus)
    assert all(s.title and not s.title.isascii() for s in GroupStatus)
    # Billing and payments write the group's status with the application statuses' values.
    assert GroupStatus.SUBMITTED.value == Status.SUBMITTED.value
    assert GroupStatus.AWAITING_PAYMENT.value == Status.AWAITING_PAYMENT.value


def test_seed_003_path_is_in_the_table():
    path = [GroupStatus.DRAFT, GroupStatus.SUBMITTED, GroupStatus.AWAITING_PAYMENT, GroupStatus.PAID]
    assert all(groups.find_group_transition(a, b) for a, b in zip(path, path[1:]))


@pytest.mark.parametrize("source, target, actor", ALLOWED, ids=lambda v: getattr(v, "value", v))
def test_allowed_move(w, source, target, actor):
    group = draft(w)
    group.status = source.value
    group.save()
    change_group_status(group, target, actor, w.admin, w.plugins, comment="проверка")
    assert GroupApplication.get_by_id(group.id).status == target.value
    assert AuditRecord.select().where((AuditRecord.entity == "group_application") & (AuditRecord.action == "status")
                                      & (AuditRecord.entity_id == str(group.id))).exists()


@pytest.mark.parametrize("source, target", FORBIDDEN_PAIRS, ids=lambda v: v.value)
def test_forbidden_move_is_refused(w, source, target):
    group = draft(w)
    group.status = source.value
    group.save()
    for actor in ActorKind:
        with pytest.raises(ValidationError, match="Нельзя перевести групповую заявку"):
            change_group_status(group, target, actor, w.admin, w.plugins)
    assert GroupApplication.get_by_id(group.id).status == source.value


@pytest.mark.parametrize("source, target, actor", WRONG_ACTORS, ids=lambda v: getattr(v, "value", v))
def test_move_by_the_wrong_side_is_refused(w, source, target, actor):
    group = draft(w)
    group.status = source.value
    group.save()
    with pytest.raises(PermissionDeniedError, match="недоступно"):
        change_group_status(group, target, actor, w.admin, w.plugins)


def test_sending_numbers_the_application_and_tells_the_centre(w):
    group = sent(w)
    assert group.number == f"ГЗ-{group.created_at:%Y}-{group.id:05d}" and group.submitted_at is not None
    letter = OutgoingMail.get(OutgoingMail.recipient == "info@profi.ru")
    assert "На рассмотрении" in letter.subject and "СтройМонтаж" in letter.body
    change_group_status(group, GroupStatus.NEEDS_FIX, ActorKind.CENTRE, w.cok_admin, w.plugins, comment="Нет устава")
    assert "Нет устава" in OutgoingMail.get(OutgoingMail.recipient == "office@stroy.ru").body


def test_sending_needs_rows_and_documents(w):
    group = groups.save_group(w.admin, w.employer, header(w))
    with pytest.raises(ValidationError, match="хотя бы одну квалификацию") as ex:
        change_group_status(group, GroupStatus.SUBMITTED, ActorKind.EMPLOYER, w.admin, w.plugins)
    assert ex.value.field == "rows"
    group = draft(w, document=False)
    with pytest.raises(ValidationError, match="документы организации"):
        change_group_status(group, GroupStatus.SUBMITTED, ActorKind.EMPLOYER, w.admin, w.plugins)
    assert GroupApplication.get_by_id(group.id).status == "draft"


def test_withdrawal_takes_the_members_along_but_not_paid_ones(w, factory):
    group = sent(w)
    member = groups.enrol(w.admin, w.employer, groups.enrolling_rows(w.employer)[0],
                          factory.user(Role.APPLICANT, password=None), full_name="Иванов Иван Иванович", snils=None)
    change_group_status(group, GroupStatus.WITHDRAWN, ActorKind.EMPLOYER, w.admin, w.plugins)
    assert Application.get_by_id(member.id).status == Status.WITHDRAWN.value

    group = sent(w)
    paid = groups.enrol(w.admin, w.employer, groups.enrolling_rows(w.employer)[0],
                        factory.user(Role.APPLICANT, password=None), full_name="Петров Пётр Петрович", snils=None)
    paid.status = Status.PAID_DATE_AGREEMENT.value
    paid.save()
    with pytest.raises(ValidationError, match="уже оплачены"):
        change_group_status(group, GroupStatus.WITHDRAWN, ActorKind.EMPLOYER, w.admin, w.plugins)
    assert GroupApplication.get_by_id(group.id).status == "submitted"


# --- header and rows ------------------------------------------------------------------------------

@pytest.mark.parametrize("field, value, words", [
    ("cok", "", "Выберите ЦОК"), ("cok", "venue", "Выберите ЦОК"), ("prof_standard", "0", "профессиональный"),
    ("payment_terms", "", "порядок расчётов"),
])
def test_header_fields_are_checked(w, field, value, words):
    value = str(w.venue.id) if value == "venue" else value
    with pytest.raises(ValidationError, match=words) as ex:
        groups.save_group(w.admin, w.employer, header(w, **{field: value}))
    assert ex.value.field == field


def test_centre_must_assess_the_standard_and_cannot_change_under_rows(w):
    with pytest.raises(ValidationError, match="не проводит оценку") as ex:
        groups.save_group(w.admin, w.employer, header(w, cok=str(w.other_cok.id)))
    assert ex.value.field == "prof_standard"
    group = draft(w)
    QualificationOffer.create(cok=w.other_cok, qualification=w.qual)
    with pytest.raises(ValidationError, match="сначала удалите"):
        groups.save_group(w.admin, w.employer, header(w, cok=str(w.other_cok.id)), group)
    saved = groups.save_group(w.admin, w.employer, header(w, payment_terms="postpayment"), group)
    assert saved.payment_terms == "postpayment"


@pytest.mark.parametrize("field, value", [
    ("qualification", "not_offered"), ("qualification", "0"), ("venue", "other_venue"), ("venue", "cok"),
    ("people_count", "0"), ("people_count", "-1"), ("people_count", "1.5"), ("people_count", "501"),
    ("people_count", "３"),
])
def test_row_fields_are_checked(w, field, value):
    group = groups.save_group(w.admin, w.employer, header(w))
    form = {"qualification": str(w.qual.id), "venue": str(w.venue.id), "people_count": "2"}
    named = {"not_offered": w.not_offered.id, "other_venue": w.other_venue.id, "cok": w.cok.id}
    form[field] = str(named.get(value, value))
    with pytest.raises(ValidationError) as ex:
        groups.add_row(w.admin, w.employer, group, form)
    assert ex.value.field == field and not ex.value.message.isascii()


def test_rows_change_only_while_editable(w, factory):
    group = sent(w)
    with pytest.raises(ValidationError, match="изменить нельзя"):
        groups.add_row(w.admin, w.employer, group, {"qualification": str(w.qual2.id), "venue": str(w.venue.id),
                                                    "people_count": "1"})
    group.status = GroupStatus.NEEDS_FIX.value
    group.save()
    row = group.rows.get()
    groups.enrol(w.admin, w.employer, groups.enrolling_rows(w.employer)[0],
                 factory.user(Role.APPLICANT, password=None), full_name="Иванов Иван Иванович", snils=None)
    with pytest.raises(ValidationError, match="уже созданы заявления"):
        groups.delete_row(w.admin, w.employer, group, row.id)
    with pytest.raises(NotFoundError):
        groups.delete_row(w.admin, w.employer, draft(w), row.id)


def test_choices_come_from_the_centre(w):
    group = draft(w)
    assert groups.qualification_choices(group) == [w.qual, w.qual2]
    assert groups.venue_choices(group) == [w.venue]
    assert w.cok in groups.centre_choices() and w.venue not in groups.centre_choices()


# --- who may see what -----------------------------------------------------------------------------

def test_another_employers_group_application_is_not_found(w, factory):
    group = draft(w)
    with pytest.raises(NotFoundError):
        groups.get_group(w.stranger_admin, w.stranger, group.id)
    with pytest.raises(PermissionDeniedError):
        groups.get_group(w.cok_admin, w.cok, group.id)
    with pytest.raises(PermissionDeniedError):
        groups.get_group(w.admin, w.stranger, group.id)
    assert groups.get_group(w.operator, w.employer, group.id) == group
    assert groups.list_groups(w.stranger_admin, w.stranger) == ([], 0)


def test_list_counts_people_and_applications_without_extra_queries(w, sqlcipher_db, factory):
    group = sent(w, people=4)
    groups.enrol(w.admin, w.employer, groups.enrolling_rows(w.employer)[0],
                 factory.user(Role.APPLICANT, password=None), full_name="Иванов Иван Иванович", snils=None)
    lines, total = groups.list_groups(w.admin, w.employer)
    assert total == 1 and (lines[0].declared, lines[0].filed, lines[0].status_title) == (4, 1, "На рассмотрении")
    assert groups.list_groups(w.admin, w.employer, status="draft") == ([], 0)
    with count_queries(sqlcipher_db) as few:
        lines = groups.list_groups(w.admin, w.employer)[0]
        [(line.group.cok.short_name, line.group.prof_standard.name) for line in lines]
    for _ in range(5):
        draft(w)
    with count_queries(sqlcipher_db) as many:
        lines = groups.list_groups(w.admin, w.employer)[0]
        [(line.group.cok.short_name, line.group.prof_standard.name) for line in lines]
    assert len(lines) == 6 and len(few) == len(many)


# --- organisation documents -----------------------------------------------------------------------

def test_organisation_documents_are_the_organisations_own(w):
    document = groups.add_organisation_document(w.operator, w.employer, PDF, "  Карточка   организации ")
    assert document.title == "Карточка организации" and document.kind == "organisation"
    assert list(groups.organisation_documents(w.employer)) == [document]
    assert not groups.organisation_documents(w.stranger).exists()
    with pytest.raises(NotFoundError):
        groups.get_organisation_document(w.stranger_admin, w.stranger, document.id)
    with pytest.raises(ValidationError, match="наименование документа") as ex:
        groups.add_organisation_document(w.admin, w.employer, PDF, " ")
    assert ex.value.field == "title"
    sent(w)
    with pytest.raises(ValidationError, match="рассматривает"):
        groups.delete_organisation_document(w.admin, w.employer, document)
    assert StoredDocument.select().count() == 1


# --- staff in rows --------------------------------------------------------------------------------

def test_enrolment_respects_the_declared_number_and_one_application_per_qualification(w, factory):
    sent(w, people=2)
    line = groups.enrolling_rows(w.employer)[0]
    first = factory.user(Role.APPLICANT, password=None)
    application = groups.enrol(w.admin, w.employer, line, first, full_name="Иванов Иван Иванович", snils="11223344595")
    assert (application.payer, application.employer_id, application.status, application.cok_id) == (
        "employer", w.employer.id, "draft", w.cok.id)
    with pytest.raises(ValidationError, match="уже есть действующее заявление"):
        groups.enrol(w.admin, w.employer, line, first, full_name="Иванов Иван Иванович", snils=None)
    groups.enrol(w.admin, w.employer, line, factory.user(Role.APPLICANT, password=None), full_name="Б Б", snils=None)
    with pytest.raises(ValidationError, match="нет свободных мест"):
        groups.get_enrolling_row(w.employer, line.row.id)
    with pytest.raises(ValidationError, match="нет свободных мест"):
        groups.enrol(w.admin, w.employer, line, factory.user(Role.APPLICANT, password=None), full_name="В", snils=None)
    assert groups.row_lines(line.row.group_application)[0].free == 0


def test_draft_rows_take_nobody(w):
    group = draft(w)
    assert groups.enrolling_rows(w.employer) == []
    with pytest.raises(ValidationError, match="Выберите строку"):
        groups.get_enrolling_row(w.employer, group.rows.get().id)


def test_linking_an_application_that_named_us_as_payer(w, factory):
    sent(w)
    line = groups.enrolling_rows(w.employer)[0]
    applicant = factory.user(Role.APPLICANT, password=None)
    own = Application.create(applicant=applicant, cok=w.cok, venue=w.venue, qualification=w.qual, payer="employer",
                             employer=w.employer, status=Status.SUBMITTED.value)
    other_venue = Application.create(applicant=applicant, cok=w.cok, venue=w.other_venue, qualification=w.qual2,
                                     payer="employer", employer=w.employer, status=Status.SUBMITTED.value)
    self_paid = Application.create(applicant=applicant, cok=w.cok, venue=w.venue, qualification=w.qual2,
                                   payer="self", employer=w.employer, status=Status.SUBMITTED.value)
    with pytest.raises(ValidationError, match="не совпадает"):
        groups.link_to_row(w.admin, w.employer, other_venue, line)
    with pytest.raises(ValidationError, match="нельзя включить"):
        groups.link_to_row(w.admin, w.employer, self_paid, line)
    assert groups.link_to_row(w.admin, w.employer, own, line).group_application_id == line.row.group_application_id
    with pytest.raises(ValidationError, match="нельзя включить"):
        groups.link_to_row(w.admin, w.employer, own, line)



def test_a_stale_copy_cannot_move_the_group_application_twice(w):
    group = draft(w)
    stale = GroupApplication.get_by_id(group.id)
    change_group_status(group, GroupStatus.SUBMITTED, ActorKind.EMPLOYER, w.admin, w.plugins)
    with pytest.raises(ValidationError, match="уже изменился"):
        change_group_status(stale, GroupStatus.SUBMITTED, ActorKind.EMPLOYER, w.admin, w.plugins)
