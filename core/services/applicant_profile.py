"""Соискатель's own data: self-registration, «Личные данные», education and work rows, consents.

Why the checks are strict here: whatever the applicant types once is copied into every
application, contract and certificate, and the typical errors ЦОК staff reject applications for
(seed 004: no отчество, typos, another person's data) are cheapest to catch at input. Every
form reports all its errors at once, each under its own field (`FormErrors`).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Callable

from core import audit
from core.db import write_transaction
from core.exceptions import NotFoundError, ValidationError
from core.models import ApplicantProfile, Education, Role, User, WorkRecord
from core.models.organisations import _now
from core.services.users import create_user
from core.validators import validate_email, validate_person_name_part, validate_phone, validate_snils

# The consent texts the applicant sees; a new wording gets a new version, so every stored
# consent says which text was agreed to (152-ФЗ, 1204 п. 7а).
CONSENT_TEXT_VERSION = "2026-01"
CONSENT_ACCURACY_TEXT = "Достоверность представленных данных подтверждаю."
CONSENT_PD_TEXT = (
    "Даю согласие на обработку моих персональных данных (ФИО, дата рождения, СНИЛС, паспортные данные, "
    "адрес регистрации, контакты, фотография, сведения об образовании и трудовой деятельности, сканы "
    "документов) центру оценки квалификаций, экзаменационной площадке и совету по профессиональным "
    "квалификациям для проведения независимой оценки квалификации, оформления договора, счёта, "
    "свидетельства или заключения и передачи сведений в реестр НАРК (Федеральный закон от 27.07.2006 "
    "№ 152-ФЗ, Федеральный закон от 03.07.2016 № 238-ФЗ). Согласие действует до его отзыва; документы, "
    "срок хранения которых установлен законом, хранятся в течение этого срока."
)
EDUCATION_LEVELS = (
    "Среднее общее", "Среднее профессиональное", "Высшее — бакалавриат", "Высшее — специалитет",
    "Высшее — магистратура", "Высшее — подготовка кадров высшей квалификации",
    "Дополнительное профессиональное образование",
)
MIN_AGE, MAX_AGE, PASSPORT_AGE = 18, 100, 14
_DIVISION_CODE = re.compile(r"(\d{3})-?(\d{3})")


class FormErrors(ValidationError):
    """Several field errors of one form; `errors` maps a field name to its Russian message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(next(iter(errors.values())), field=next(iter(errors)))
        self.errors = errors


class Checker:
    """Run field checks and keep the first error of each field instead of stopping at one."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def __call__(self, check: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return check(*args, **kwargs)
        except ValidationError as ex:
            self.add(ex.field or "form", ex.message)
            return None

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise FormErrors(dict(self.errors))


# --- small checks -----------------------------------------------------------------------------

def today() -> dt.date:
    return dt.date.today()


def parse_date(value: str | None, field: str, label: str, *, required: bool = True) -> dt.date | None:
    """A date from an HTML date field (ГГГГ-ММ-ДД) or typed by hand (ДД.ММ.ГГГГ)."""
    text = (value or "").strip()
    if not text:
        if required:
            raise ValidationError(f"{label}: укажите дату.", field=field)
        return None
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValidationError(f"{label}: дата указана неверно, ожидается ДД.ММ.ГГГГ.", field=field)


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def required_text(value: str | None, field: str, label: str, max_length: int) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise ValidationError(f"{label}: заполните поле.", field=field)
    if len(text) > max_length:
        raise ValidationError(f"{label}: не более {max_length} символов.", field=field)
    return text


def digits_only(value: str | None, field: str, label: str, length: int, example: str) -> str:
    text = re.sub(r"\s", "", value or "")
    if not text:
        raise ValidationError(f"{label}: заполните поле.", field=field)
    if not (text.isascii() and text.isdigit() and len(text) == length):
        raise ValidationError(f"{label}: ровно {length} цифр, например {example}.", field=field)
    return text


def is_checked(value: str | None) -> bool:
    return (value or "") not in ("", "0", "off", "false")


def _birth_date(value: str | None) -> dt.date:
    born = parse_date(value, "birth_date", "Дата рождения")
    if born > today():
        raise ValidationError("Дата рождения не может быть в будущем.", field="birth_date")
    if add_years(born, MIN_AGE) > today():
        raise ValidationError(f"Соискателю должно быть не меньше {MIN_AGE} лет.", field="birth_date")
    if add_years(born, MAX_AGE + 1) <= today():
        raise ValidationError(f"Проверьте дату рождения: возраст больше {MAX_AGE} лет.", field="birth_date")
    return born


def _issue_date(value: str | None, born: dt.date | None) -> dt.date:
    issued = parse_date(value, "passport_issue_date", "Дата выдачи паспорта")
    if issued > today():
        raise ValidationError("Дата выдачи паспорта не может быть в будущем.", field="passport_issue_date")
    if born and issued < add_years(born, PASSPORT_AGE):
        raise ValidationError("Паспорт выдаётся с 14 лет: дата выдачи раньше 14-летия по дате рождения.",
                              field="passport_issue_date")
    return issued


def _division_code(value: str | None) -> str:
    match = _DIVISION_CODE.fullmatch((value or "").strip())
    if not match:
        raise ValidationError("Код подразделения: шесть цифр в виде 770-001.", field="passport_division_code")
    return f"{match.group(1)}-{match.group(2)}"


def _middle_name(value: str | None, none_mark: bool) -> str | None:
    text = (value or "").strip()
    if none_mark:
        if text:
            raise ValidationError("Отмечено «нет отчества», но отчество заполнено: очистите поле или снимите "
                                  "отметку.", field="middle_name")
        return None
    if not text:
        raise ValidationError("Укажите отчество или отметьте «нет отчества».", field="middle_name")
    return validate_person_name_part(text, "middle_name")


# --- registration -----------------------------------------------------------------------------

def register_applicant(full_name: str, email: str, phone: str, consent: bool) -> User | None:
    """Create a Соискатель account with an empty profile; `None` when the email is taken.

    The caller answers both cases the same way (a letter was sent), so the form does not tell a
    stranger which addresses are registered.
    """
    check = Checker()
    name = check(validate_person_name_part, full_name, "full_name")
    if name and len(name.split()) < 2:
        check.add("full_name", "Укажите ФИО полностью: фамилию, имя и отчество (если есть).")
    address = check(validate_email, email)
    check(validate_phone, phone)
    if not consent:
        check.add("consent_pd", "Без согласия на обработку персональных данных регистрация невозможна.")
    check.raise_if_any()
    try:
        with write_transaction():
            user = create_user(email=address, full_name=name, role=Role.APPLICANT, phone=phone)
            ApplicantProfile.create(user=user)
            audit.record("consent", "user", user.id, {"consent": "personal_data", "version": CONSENT_TEXT_VERSION,
                                                      "source": "registration"})
    except ValidationError as ex:
        if ex.field == "email":  # taken (checked inside the transaction, so a race ends here too)
            return None
        raise
    return user


# --- «Личные данные» ----------------------------------------------------------------------------

def get_profile(user: User) -> ApplicantProfile:
    """The applicant's profile (created on first use for accounts made by the CLI or staff)."""
    if user.role != Role.APPLICANT.value:
        raise NotFoundError("Личные данные соискателя не найдены.")
    profile = ApplicantProfile.get_or_none(ApplicantProfile.user == user)
    return profile or ApplicantProfile.create(user=user)


def profile_form(profile: ApplicantProfile) -> dict[str, str]:
    """The stored profile as the form shows it; a new profile takes the ФИО typed at registration."""
    user = profile.user
    parts = (user.full_name or "").split()
    names = (profile.last_name, profile.first_name, profile.middle_name)
    if not any(names) and len(parts) >= 2:
        names = (parts[0], parts[1], " ".join(parts[2:]) or None)
    dates = {"birth_date": profile.birth_date, "passport_issue_date": profile.passport_issue_date}
    form = {name: value.isoformat() if value else "" for name, value in dates.items()}
    for name in ("snils", "passport_series", "passport_number", "passport_issued_by", "passport_division_code",
                 "registration_address"):
        form[name] = getattr(profile, name) or ""
    form.update(last_name=names[0] or "", first_name=names[1] or "", middle_name=names[2] or "",
                no_middle_name="1" if profile.no_middle_name else "", phone=user.phone or "",
                consent_accuracy="1" if profile.consent_accuracy_at else "",
                consent_pd="1" if profile.consent_pd_at else "")
    return form


def save_personal_data(profile: ApplicantProfile, form: dict[str, str]) -> ApplicantProfile:
    """Check every field of «Личные данные», then store them with the consents; raise `FormErrors`."""
    check = Checker()
    last = check(validate_person_name_part, form.get("last_name"), "last_name")
    first = check(validate_person_name_part, form.get("first_name"), "first_name")
    none_mark = is_checked(form.get("no_middle_name"))
    middle = check(_middle_name, form.get("middle_name"), none_mark)
    born = check(_birth_date, form.get("birth_date"))
    snils = check(validate_snils, form.get("snils"))
    series = check(digits_only, form.get("passport_series"), "passport_series", "Серия паспорта", 4, "45 06")
    number = check(digits_only, form.get("passport_number"), "passport_number", "Номер паспорта", 6, "123456")
    issued_by = check(required_text, form.get("passport_issued_by"), "passport_issued_by", "Кем выдан", 300)
    issued = check(_issue_date, form.get("passport_issue_date"), born)
    division = check(_division_code, form.get("passport_division_code"))
    address = check(required_text, form.get("registration_address"), "registration_address",
                    "Адрес регистрации", 500)
    phone = check(validate_phone, form.get("phone"))
    if not is_checked(form.get("consent_accuracy")):
        check.add("consent_accuracy", "Подтвердите достоверность данных.")
    if not is_checked(form.get("consent_pd")):
        check.add("consent_pd", "Без согласия на обработку персональных данных данные не сохраняются.")
    check.raise_if_any()
    now = _now()
    with write_transaction():
        for name, value in (("last_name", last), ("first_name", first), ("middle_name", middle),
                            ("no_middle_name", none_mark), ("birth_date", born), ("snils", snils),
                            ("passport_series", series), ("passport_number", number),
                            ("passport_issued_by", issued_by), ("passport_issue_date", issued),
                            ("passport_division_code", division), ("registration_address", address)):
            setattr(profile, name, value)
        if profile.consent_pd_at is None or profile.consent_text_version != CONSENT_TEXT_VERSION:
            profile.consent_pd_at = now
        profile.consent_accuracy_at = now
        profile.consent_text_version = CONSENT_TEXT_VERSION
        profile.updated_at = now
        profile.save()
        user = profile.user
        user.full_name, user.phone = profile.full_name, phone
        user.save()
    return profile


# --- education and work history ----------------------------------------------------------------

def _year(value: str | None, born: dt.date | None) -> int:
    text = (value or "").strip()
    if not (len(text) == 4 and text.isdigit()):
        raise ValidationError("Год окончания: четыре цифры, например 2015.", field="graduation_year")
    year, earliest = int(text), (born.year + PASSPORT_AGE if born else 1940)
    if not earliest <= year <= today().year:
        raise ValidationError(f"Год окончания должен быть между {earliest} и {today().year}.",
                              field="graduation_year")
    return year


def add_education(profile: ApplicantProfile, form: dict[str, str]) -> Education:
    """Add one diploma («Образование»); raise `FormErrors`."""
    check = Checker()
    level = form.get("level", "")
    if level not in EDUCATION_LEVELS:
        check.add("level", "Выберите уровень образования из списка.")
    institution = check(required_text, form.get("institution"), "institution", "Образовательная организация", 300)
    series = " ".join(form.get("diploma_series", "").split())[:20] or None
    number = check(required_text, form.get("diploma_number"), "diploma_number", "Номер диплома", 30)
    year = check(_year, form.get("graduation_year"), profile.birth_date)
    speciality = check(required_text, form.get("speciality"), "speciality", "Специальность, квалификация", 300)
    check.raise_if_any()
    return Education.create(profile=profile, level=level, institution=institution, diploma_series=series,
                            diploma_number=number, graduation_year=year, speciality=speciality)


def add_work_record(profile: ApplicantProfile, form: dict[str, str]) -> WorkRecord:
    """Add one job («Трудовая деятельность»); an empty end date means «по настоящее время»."""
    check = Checker()
    employer = check(required_text, form.get("employer_name"), "employer_name", "Организация", 300)
    position = check(required_text, form.get("position"), "position", "Должность", 200)
    started = check(parse_date, form.get("started_on"), "started_on", "Дата приёма")
    ended = check(parse_date, form.get("ended_on"), "ended_on", "Дата увольнения", required=False)
    if started and started > today():
        check.add("started_on", "Дата приёма не может быть в будущем.")
    if ended and ended > today():
        check.add("ended_on", "Дата увольнения не может быть в будущем; для текущей работы оставьте поле пустым.")
    if started and ended and ended < started:
        check.add("ended_on", "Дата увольнения раньше даты приёма.")
    check.raise_if_any()
    return WorkRecord.create(profile=profile, employer_name=employer, position=position, started_on=started,
                             ended_on=ended)


def remove_row(profile: ApplicantProfile, model: type[Education] | type[WorkRecord], row_id: int) -> None:
    """Delete an education or work row of this profile; another's row is «not found»."""
    row = model.get_or_none((model.id == row_id) & (model.profile == profile))
    if row is None:
        raise NotFoundError("Запись не найдена.")
    row.delete_instance()


# --- what applications copy -------------------------------------------------------------------

@dataclass(frozen=True)
class Identity:
    """What says which person an application is for: СНИЛС and date of birth do not change."""

    snils: str | None
    birth_date: str | None


def identity(profile: ApplicantProfile) -> Identity:
    return Identity(profile.snils, profile.birth_date.isoformat() if profile.birth_date else None)


REQUIRED_FOR_APPLICATION = (
    ("last_name", "фамилия"), ("first_name", "имя"), ("birth_date", "дата рождения"), ("snils", "СНИЛС"),
    ("passport_series", "серия паспорта"), ("passport_number", "номер паспорта"),
    ("passport_issued_by", "кем выдан паспорт"), ("passport_issue_date", "дата выдачи паспорта"),
    ("passport_division_code", "код подразделения"), ("registration_address", "адрес регистрации"),
    ("consent_accuracy_at", "подтверждение достоверности данных"),
    ("consent_pd_at", "согласие на обработку персональных данных"),
)


def missing_profile_fields(profile: ApplicantProfile) -> list[str]:
    """Russian names of the personal-data fields an application needs and the cabinet lacks."""
    return [label for name, label in REQUIRED_FOR_APPLICATION if not getattr(profile, name)]


def snapshot(profile: ApplicantProfile) -> dict[str, Any]:
    """The personal, passport, contact, education and work blocks as an application keeps them."""
    user = profile.user
    fields = ("last_name", "first_name", "middle_name", "no_middle_name", "snils", "passport_series",
              "passport_number", "passport_issued_by", "passport_division_code", "registration_address",
              "photo_digest", "consent_text_version")
    data: dict[str, Any] = {name: getattr(profile, name) for name in fields}
    data.update(
        full_name=profile.full_name, email=user.email, phone=user.phone,
        birth_date=profile.birth_date.isoformat() if profile.birth_date else None,
        passport_issue_date=profile.passport_issue_date.isoformat() if profile.passport_issue_date else None,
        education=[{"level": e.level, "institution": e.institution, "diploma_series": e.diploma_series,
                    "diploma_number": e.diploma_number, "graduation_year": e.graduation_year,
                    "speciality": e.speciality} for e in profile.education.order_by(Education.id)],
        work=[{"employer_name": w.employer_name, "position": w.position, "started_on": w.started_on.isoformat(),
               "ended_on": w.ended_on.isoformat() if w.ended_on else None}
              for w in profile.work_history.order_by(WorkRecord.started_on.desc(), WorkRecord.id)],
    )
    return data
