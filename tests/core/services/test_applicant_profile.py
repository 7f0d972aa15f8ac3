"""«Личные данные» соискателя: registration, every field rule, consents, education and work rows."""
import datetime as dt

import pytest

from core.audit import AuditRecord
from core.exceptions import NotFoundError
from core.models import ApplicantProfile, Education, Role, User, WorkRecord
from core.services import applicant_profile as profiles
from core.services.applicant_profile import FormErrors

TODAY = dt.date.today()


def years_ago(years: int, days: int = 0) -> str:
    return (profiles.add_years(TODAY, -years) + dt.timedelta(days=days)).isoformat()


VALID = {
    "last_name": "Соколов", "first_name": "Дмитрий", "middle_name": "Олегович", "birth_date": years_ago(30),
    "snils": "112-233-445 95", "passport_series": "45 06", "passport_number": "123456",
    "passport_issued_by": "ОВД района Сокол г. Москвы", "passport_issue_date": years_ago(10),
    "passport_division_code": "772001", "registration_address": "г. Москва, ул. Лизы Чайкиной, д. 1, кв. 2",
    "phone": "8 (916) 000-11-22", "consent_accuracy": "1", "consent_pd": "1",
}


@pytest.fixture
def applicant(sqlcipher_db, factory):
    return factory.user(Role.APPLICANT, email="welder@mail.ru", full_name="Соколов Дмитрий Олегович")


def errors_of(form, profile):
    with pytest.raises(FormErrors) as caught:
        profiles.save_personal_data(profile, form)
    return caught.value.errors


def test_registration_creates_applicant_with_empty_profile(sqlcipher_db):
    user = profiles.register_applicant("Петрова Анна Сергеевна", "Anna@Mail.ru", "+7 916 123-45-67", True)
    assert user.role == Role.APPLICANT.value and user.email == "anna@mail.ru" and user.phone == "+79161234567"
    profile = ApplicantProfile.get(ApplicantProfile.user == user)
    assert profile.last_name is None and profile.consent_pd_at is None
    consent = AuditRecord.get((AuditRecord.action == "consent") & (AuditRecord.entity_id == str(user.id)))
    assert profiles.CONSENT_TEXT_VERSION in consent.data
    assert profiles.register_applicant("Другой Человек", "anna@mail.ru", "+79160000000", True) is None
    assert User.select().where(User.email == "anna@mail.ru").count() == 1


def test_registration_reports_every_field_at_once(sqlcipher_db):
    with pytest.raises(FormErrors) as caught:
        profiles.register_applicant("Иван", "не почта", "123", False)
    errors = caught.value.errors
    assert set(errors) == {"full_name", "email", "phone", "consent_pd"}
    assert "полностью" in errors["full_name"] and "согласия" in errors["consent_pd"]


def test_valid_personal_data_is_stored_with_consents(applicant):
    profile = profiles.get_profile(applicant)
    profiles.save_personal_data(profile, VALID)
    stored = ApplicantProfile.get_by_id(profile.id)
    assert stored.full_name == "Соколов Дмитрий Олегович" and stored.snils == "11223344595"
    assert (stored.passport_series, stored.passport_number, stored.passport_division_code) == ("4506", "123456",
                                                                                               "772-001")
    assert stored.consent_accuracy_at and stored.consent_pd_at
    assert stored.consent_text_version == profiles.CONSENT_TEXT_VERSION
    assert User.get_by_id(applicant.id).phone == "+79160001122"
    first_consent = stored.consent_pd_at
    profiles.save_personal_data(stored, VALID)
    again = ApplicantProfile.get_by_id(profile.id)
    assert again.consent_pd_at == first_consent, "согласие той же редакции не переписывается"


def test_middle_name_needs_the_explicit_mark(applicant):
    profile = profiles.get_profile(applicant)
    assert errors_of({**VALID, "middle_name": ""}, profile) == {
        "middle_name": "Укажите отчество или отметьте «нет отчества»."}
    assert "снимите" in errors_of({**VALID, "no_middle_name": "1"}, profile)["middle_name"]
    profiles.save_personal_data(profile, {**VALID, "middle_name": "", "no_middle_name": "1"})
    stored = ApplicantProfile.get_by_id(profile.id)
    assert stored.no_middle_name and stored.middle_name is None and stored.full_name == "Соколов Дмитрий"
    assert User.get_by_id(applicant.id).full_name == "Соколов Дмитрий"


@pytest.mark.parametrize("field, value, message", [
    ("last_name", "Sokolov", "кириллицы"),
    ("first_name", "", "не указано"),
    ("birth_date", years_ago(18, days=1), "не меньше 18 лет"),
    ("birth_date", years_ago(101), "больше 100 лет"),
    ("birth_date", "31.02.1990", "дата указана неверно"),
    ("snils", "112-233-445 96", "контрольная сумма"),
    ("passport_series", "450", "ровно 4 цифр"),
    ("passport_number", "12345а", "ровно 6 цифр"),
    ("passport_issued_by", "", "заполните поле"),
    ("passport_issue_date", (TODAY + dt.timedelta(days=1)).isoformat(), "в будущем"),
    ("passport_issue_date", years_ago(17), "с 14 лет"),
    ("passport_division_code", "77-001", "770-001"),
    ("registration_address", "  ", "заполните поле"),
    ("phone", "12345", "Номер телефона"),
    ("consent_accuracy", "", "достоверность"),
    ("consent_pd", "", "согласия"),
])
def test_each_wrong_field_is_named(applicant, field, value, message):
    errors = errors_of({**VALID, field: value}, profiles.get_profile(applicant))
    assert list(errors) == [field] and message in errors[field]


def test_ages_eighteen_and_one_hundred_are_allowed(applicant):
    profile = profiles.get_profile(applicant)
    profiles.save_personal_data(profile, {**VALID, "birth_date": years_ago(18), "passport_issue_date": years_ago(3)})
    profiles.save_personal_data(profile, {**VALID, "birth_date": years_ago(100)})


def test_all_errors_come_together_and_nothing_is_stored(applicant):
    profile = profiles.get_profile(applicant)
    errors = errors_of({"last_name": "Соколов"}, profile)
    assert {"first_name", "middle_name", "birth_date", "snils", "passport_series", "phone", "consent_pd"} <= set(errors)
    assert ApplicantProfile.get_by_id(profile.id).last_name is None


def test_education_and_work_rows(applicant, factory):
    profile = profiles.get_profile(applicant)
    profiles.save_personal_data(profile, VALID)
    with pytest.raises(FormErrors) as caught:
        profiles.add_education(profile, {"level": "Высшее", "graduation_year": "1990"})
    assert {"level", "institution", "diploma_number", "graduation_year", "speciality"} == set(caught.value.errors)
    row = profiles.add_education(profile, {"level": "Среднее профессиональное", "institution": "Колледж № 1",
                                           "diploma_number": "123", "graduation_year": str(TODAY.year - 5),
                                           "speciality": "Сварщик"})
    with pytest.raises(FormErrors) as caught:
        profiles.add_work_record(profile, {"employer_name": "ООО «Ромашка»", "position": "Сварщик",
                                           "started_on": "2020-05-01", "ended_on": "2019-01-01"})
    assert caught.value.errors == {"ended_on": "Дата увольнения раньше даты приёма."}
    profiles.add_work_record(profile, {"employer_name": "ООО «Ромашка»", "position": "Сварщик",
                                       "started_on": "01.05.2020", "ended_on": ""})
    data = profiles.snapshot(profile)
    assert data["education"][0]["speciality"] == "Сварщик" and data["work"][0]["ended_on"] is None
    assert data["full_name"] == "Соколов Дмитрий Олегович" and data["birth_date"] == VALID["birth_date"]
    stranger = profiles.get_profile(factory.user(Role.APPLICANT, email="other@mail.ru"))
    with pytest.raises(NotFoundError):
        profiles.remove_row(stranger, Education, row.id)
    profiles.remove_row(profile, Education, row.id)
    assert not Education.select().exists() and WorkRecord.select().count() == 1


def test_missing_profile_fields_for_an_application(applicant):
    profile = profiles.get_profile(applicant)
    assert "СНИЛС" in profiles.missing_profile_fields(profile)
    profiles.save_personal_data(profile, VALID)
    assert profiles.missing_profile_fields(profile) == []


def test_staff_have_no_applicant_profile(sqlcipher_db, factory):
    from core.models import OrgKind
    staff = factory.user(Role.ADMIN, factory.org(OrgKind.COK))
    with pytest.raises(NotFoundError):
        profiles.get_profile(staff)
