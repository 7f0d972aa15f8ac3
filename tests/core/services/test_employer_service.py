"""Работодатель: registration, profile, «Реестр соискателей» — and the whole way to agreed exam dates."""
import datetime as dt
import secrets
from decimal import Decimal

import pytest

from core.demo_data import SBER_MOSCOW, inn10, ogrn13, settlement_account
from core.blobstore import BlobStore
from core.exceptions import NotFoundError, PermissionDeniedError, ValidationError
from core.models import (ApplicantProfile, Application, ApplicationStatusChange, AuditRecord, ExamSlot,
                         GroupApplication, Invoice, Organisation, OutgoingMail, Price, Role, User)
from core.providers import PaymentConfirmation
from core.services import applicant_profile, billing, employer, payments, scheduling
from core.services import group_applications as groups
from core.services.applications import change_status
from core.services.group_applications import GroupStatus, change_group_status
from core.workflow import ActorKind, Status
from test_group_applications_service import PDF, build_world, header, sent

REGISTRATION = {"email": "Director@Alliance.ru", "full_name": "Общество с ограниченной ответственностью «Альянс»",
                "short_name": "ООО «Альянс»", "inn": inn10("503212345"), "kpp": "503201001",
                "ogrn": ogrn13("115503212345"), "phone": "8 495 763-52-40", "head_name": "Смирнов Алексей Петрович",
                "head_position": "Генеральный директор"}


def bank(b=SBER_MOSCOW, tail="38000054321") -> dict[str, str]:
    return {"bank_name": b.name, "bik": b.bik, "corr_account": b.corr_account,
            "settlement_account": settlement_account(b.bik, "40702", tail)}


def profile_form(org: Organisation, **changes) -> dict[str, str]:
    return {**employer.profile_form(org), **bank(), "legal_address": "143084, Московская обл., г. Одинцово, д. 3",
            "actual_same_as_legal": "on", "authority_document": "Устав", "accountant_name": "Кузина Вера Павловна",
            "hr_head_name": "Орлова Ирина Сергеевна", "contact_name": "Морозова Елена Викторовна", **changes}


@pytest.fixture
def w(sqlcipher_db, factory):
    return build_world(factory)


# --- registration ---------------------------------------------------------------------------------

def test_registration_makes_an_employer_and_its_administrator(sqlcipher_db):
    admin = employer.register_employer(REGISTRATION)
    org = admin.organisation
    assert (admin.role, admin.email, admin.full_name, admin.position, admin.password_hash) == (
        "admin", "director@alliance.ru", "Смирнов Алексей Петрович", "Генеральный директор", None)
    assert (org.kind, org.inn, org.kpp, org.phone, org.email) == (
        "employer", REGISTRATION["inn"], "503201001", "+74957635240", "director@alliance.ru")


def test_registration_reports_every_wrong_field_at_once(sqlcipher_db):
    with pytest.raises(employer.FormErrors) as ex:
        employer.register_employer({**REGISTRATION, "email": "x", "inn": "1", "kpp": "", "ogrn": "9",
                                    "head_name": "John", "head_position": "", "full_name": ""})
    assert set(ex.value.errors) == {"email", "inn", "kpp", "ogrn", "head_name", "head_position", "full_name"}
    assert all(not message.isascii() for message in ex.value.errors.values())
    assert not Organisation.select().exists()


def test_entrepreneur_needs_twelve_digit_inn_and_ogrnip(sqlcipher_db):
    with pytest.raises(employer.FormErrors) as ex:
        employer.register_employer({**REGISTRATION, "is_entrepreneur": "on", "kpp": ""})
    assert set(ex.value.errors) == {"inn", "ogrn"}
    admin = employer.register_employer({**REGISTRATION, "is_entrepreneur": "on", "inn": "500100732259", "kpp": "",
                                        "ogrn": "304500116000157"})
    assert admin.organisation.kpp is None
    with pytest.raises(employer.FormErrors, match="ИНН и КПП"):
        employer.register_employer({**REGISTRATION, "is_entrepreneur": "on", "inn": "500100732259", "kpp": "",
                                    "ogrn": "304500116000157", "email": "two@mail.ru"})


def test_duplicate_inn_kpp_is_refused_and_a_taken_email_reveals_nothing(sqlcipher_db, factory):
    employer.register_employer(REGISTRATION)
    with pytest.raises(employer.FormErrors) as ex:
        employer.register_employer({**REGISTRATION, "email": "another@alliance.ru"})
    assert "ИНН и КПП уже зарегистрирована" in ex.value.errors["inn"]
    assert employer.register_employer({**REGISTRATION, "kpp": "503202001"}) is None
    assert Organisation.select().count() == 1
    assert "уже используется" in OutgoingMail.get(OutgoingMail.recipient == "director@alliance.ru").body


# --- profile --------------------------------------------------------------------------------------

def test_profile_keeps_requisites_checked_and_names_the_hr_head(sqlcipher_db):
    admin = employer.register_employer(REGISTRATION)
    org = Organisation.get_by_id(admin.organisation_id)
    employer.update_employer_profile(admin, org, profile_form(org))
    org = Organisation.get_by_id(org.id)
    assert (org.hr_head_name, org.bik, org.actual_address) == ("Орлова Ирина Сергеевна", SBER_MOSCOW.bik,
                                                               org.legal_address)
    assert employer.profile_form(org)["hr_head_name"] == "Орлова Ирина Сергеевна"
    with pytest.raises(employer.FormErrors) as ex:
        employer.update_employer_profile(admin, org, profile_form(org, bik="044030653", inn="", hr_head_name="X"))
    assert {"inn", "hr_head_name", "settlement_account", "corr_account"} <= set(ex.value.errors)
    assert Organisation.get_by_id(org.id).hr_head_name == "Орлова Ирина Сергеевна", "ничего не сохранено"


def test_profile_cannot_take_another_employers_inn_kpp_or_be_changed_by_strangers(sqlcipher_db, factory):
    admin = employer.register_employer(REGISTRATION)
    other = employer.register_employer({**REGISTRATION, "email": "b@b.ru", "kpp": "503202001"})
    org = Organisation.get_by_id(other.organisation_id)
    with pytest.raises(employer.FormErrors, match="ИНН и КПП"):
        employer.update_employer_profile(other, org, profile_form(org, kpp="503201001"))
    with pytest.raises(PermissionDeniedError):
        employer.update_employer_profile(admin, org, profile_form(org))


# --- «Реестр соискателей» ---------------------------------------------------------------------------

PERSON = {"full_name": "Петрова Наталья Валентиновна", "email": "petrova@mail.ru", "snils": "112-233-445 95"}


def test_adding_an_applicant_leaves_consent_to_them(w):
    sent(w)
    row = groups.enrolling_rows(w.employer)[0].row
    application = employer.add_applicant(w.operator, w.employer, {**PERSON, "row": str(row.id)})
    user = application.applicant
    assert user.role == Role.APPLICANT.value and user.password_hash is None
    profile = ApplicantProfile.get(ApplicantProfile.user == user)
    assert profile.snils == "11223344595" and profile.consent_pd_at is None and profile.last_name is None
    assert applicant_profile.profile_form(profile)["last_name"] == "Петрова", "ФИО из реестра подставится в кабинет"
    assert not AuditRecord.select().where(AuditRecord.action == "consent").exists()
    assert application.consent_pd_at is None and application.status == "draft"
    history = ApplicationStatusChange.get(ApplicationStatusChange.application == application)
    assert "работодателем" in history.comment and history.actor_id == w.operator.id
    assert "согласие" in OutgoingMail.get(OutgoingMail.recipient == "petrova@mail.ru").body


def test_adding_an_applicant_reports_every_field(w):
    with pytest.raises(employer.FormErrors) as ex:
        employer.add_applicant(w.admin, w.employer, {"full_name": "Petrova", "email": "@", "snils": "1", "row": "x"})
    assert set(ex.value.errors) == {"full_name", "email", "snils", "row"}
    assert not User.select().where(User.role == "applicant").exists()


def test_register_shows_only_our_applications(w, factory):
    sent(w)
    line = groups.enrolling_rows(w.employer)[0]
    ours = groups.enrol(w.admin, w.employer, line, factory.user(Role.APPLICANT, password=None),
                        full_name="Соколов Дмитрий Олегович", snils=None)
    Application.create(applicant=factory.user(Role.APPLICANT, password=None), cok=w.cok, venue=w.venue,
                       qualification=w.qual, payer="employer", employer=w.stranger, status="draft", full_name="Чужой")
    applications, total = employer.register(w.admin, w.employer)
    assert total == 1 and applications[0].id == ours.id
    assert employer.register(w.admin, w.employer, name="Сокол")[1] == 1
    assert employer.register(w.admin, w.employer, name="Петров")[1] == 0
    assert employer.register(w.admin, w.employer, status="submitted")[1] == 0
    with pytest.raises(NotFoundError):
        employer.member_application(w.stranger_admin, w.stranger, ours.id)
    with pytest.raises(NotFoundError):
        employer.member(w.stranger_admin, w.stranger, ours.applicant_id)
    with pytest.raises(PermissionDeniedError):
        employer.register(w.cok_admin, w.cok)


def test_slot_must_belong_to_the_applications_venue_and_qualification(w, factory):
    sent(w)
    application = groups.enrol(w.admin, w.employer, groups.enrolling_rows(w.employer)[0],
                               factory.user(Role.APPLICANT, password=None), full_name="А Б", snils=None)
    elsewhere = ExamSlot.create(venue=w.other_venue, qualification=w.qual, starts_at=dt.datetime(2031, 1, 1, 9),
                                seats=5)
    with pytest.raises(ValidationError, match="календаре"):
        employer.slot_for(application, elsewhere.id)
    with pytest.raises(ValidationError):
        employer.slot_for(application, "нет")


# --- the whole way ----------------------------------------------------------------------------------

def _ready_centre(w) -> None:
    """The ЦОК's side that is not the employer's: a profile for the contract and a price."""
    for name, value in {"full_name": "ООО «Центр оценки квалификаций «Профи»", "inn": inn10("772241583"),
                        "kpp": "772201001", "legal_address": "109147, г. Москва, ул. Марксистская, д. 22",
                        **bank(tail="38000012345"), "head_name": "Петров Сергей Николаевич",
                        "head_position": "Генеральный директор",
                        "contract_preamble": "ООО «ЦОК «Профи», именуемое в дальнейшем «Исполнитель»"}.items():
        setattr(w.cok, name, value)
    w.cok.save()
    Price.create(cok=w.cok, qualification=w.qual, amount=Decimal("9000.00"))


def test_register_profile_group_of_three_applicants_and_agreed_dates(w, tmp_path):
    """Регистрация → профиль → групповая заявка на 3 человек → соискатели → (ЦОК: счёт, оплата) → даты."""
    admin = employer.register_employer(REGISTRATION)
    org = Organisation.get_by_id(admin.organisation_id)
    employer.update_employer_profile(admin, org, profile_form(org))
    org = Organisation.get_by_id(org.id)

    group = groups.save_group(admin, org, header(w))
    groups.add_row(admin, org, group, {"qualification": str(w.qual.id), "venue": str(w.venue.id),
                                       "people_count": "3"})
    groups.add_organisation_document(admin, org, PDF, "Устав")
    change_group_status(group, GroupStatus.SUBMITTED, ActorKind.EMPLOYER, admin, w.plugins)
    assert groups.list_groups(admin, org)[0][0].status_title == "На рассмотрении"

    row = groups.enrolling_rows(org)[0].row
    people = [("Петрова Наталья Валентиновна", "petrova@mail.ru", "112-233-445 95"),
              ("Сидоров Олег Иванович", "sidorov@mail.ru", "087-654-303 00"),
              ("Ким Анна", "kim@mail.ru", "123-456-789 64")]
    applications = [employer.add_applicant(admin, org, {"full_name": n, "email": e, "snils": s, "row": str(row.id)})
                    for n, e, s in people]
    with pytest.raises(employer.FormErrors, match="нет свободных мест"):
        employer.add_applicant(admin, org, {"full_name": "Лишний Человек Иванович", "email": "x@mail.ru",
                                            "snils": "000-000-111 00", "row": str(row.id)})
    assert groups.row_lines(group)[0].filed == 3

    # Each applicant gives their own consent and sends their application (their cabinet's part).
    for application in applications:
        applicant_profile.save_personal_data(ApplicantProfile.get(ApplicantProfile.user == application.applicant_id), {
            "last_name": application.full_name.split()[0], "first_name": application.full_name.split()[1],
            "middle_name": " ".join(application.full_name.split()[2:]),
            "no_middle_name": "" if len(application.full_name.split()) > 2 else "on", "birth_date": "1985-04-12",
            "snils": application.snils, "passport_series": "4506", "passport_number": "123456",
            "passport_issued_by": "ОВД района Арбат г. Москвы", "passport_issue_date": "2010-05-20",
            "passport_division_code": "770-001", "registration_address": "г. Москва, ул. Арбат, д. 1",
            "phone": "+7 916 000-11-22", "consent_accuracy": "on", "consent_pd": "on"})
        change_status(application, Status.SUBMITTED, ActorKind.APPLICANT, application.applicant, w.plugins)
    updates = AuditRecord.select().where(AuditRecord.action == "update", AuditRecord.entity == "applicant_profile")
    assert updates.count() == 3

    # The ЦОК's side: accept the documents, issue the group invoice, record the payment.
    _ready_centre(w)
    blobs = BlobStore(tmp_path / "blobs", secrets.token_bytes(32))
    invoice = billing.issue_group_invoice(GroupApplication.get_by_id(group.id), w.cok_admin, blobs)
    assert GroupApplication.get_by_id(group.id).status == "awaiting_payment" and invoice.amount == Decimal("27000.00")
    assert [title for title, _, _ in billing.invoice_documents(invoice)][-1].startswith("Счёт на оплату")
    for application in applications:
        change_status(Application.get_by_id(application.id), Status.AWAITING_PAYMENT, ActorKind.CENTRE, w.cok_admin,
                      w.plugins)
    payments.record_payment(Invoice.get_by_id(invoice.id), PaymentConfirmation(Decimal("27000.00"), dt.date.today(),
                                                                                 "п/п 417", org.full_name),
                            "manual", w.cok_admin, w.plugins)
    assert GroupApplication.get_by_id(group.id).status == "paid", "оплата счёта переводит групповую заявку"

    # The employer agrees the dates on the venue's calendar: two seats at 09:00, then 11:00.
    day = dt.date.today() + dt.timedelta(days=10)
    nine = ExamSlot.create(venue=w.venue, qualification=w.qual, starts_at=dt.datetime.combine(day, dt.time(9)), seats=2)
    eleven = ExamSlot.create(venue=w.venue, qualification=w.qual, starts_at=dt.datetime.combine(day, dt.time(11)),
                             seats=5)
    members, total = employer.register(admin, org, status=Status.PAID_DATE_AGREEMENT.value)
    assert total == 3
    for member in members[:2]:
        scheduling.choose_slot(ActorKind.EMPLOYER, admin, member, employer.slot_for(member, nine.id), w.plugins)
    views = scheduling.free_slots(w.venue, w.qual, start=day)
    assert [v.label for v in views] == ["09:00 (2/2)", "11:00 (0/5)"] and not views[0].free
    last = members[2]
    with pytest.raises(ValidationError, match="свободных мест нет"):
        scheduling.choose_slot(ActorKind.EMPLOYER, admin, last, employer.slot_for(last, nine.id), w.plugins)
    scheduling.choose_slot(ActorKind.EMPLOYER, admin, last, employer.slot_for(last, eleven.id), w.plugins)

    agreed, _ = employer.register(admin, org)
    assert {a.status for a in agreed} == {Status.PAID_DATE_CONFIRMATION.value}
    assert sorted(a.slot.starts_at.hour for a in agreed) == [9, 9, 11]
    assert all(a.consent_pd_at is None for a in agreed), "согласие в заявлении даёт сам соискатель при отправке"
    with pytest.raises(PermissionDeniedError):
        scheduling.choose_slot(ActorKind.EMPLOYER, w.stranger_admin, agreed[0], nine, w.plugins)

