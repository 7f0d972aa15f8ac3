"""Заявление соискателя: the wizard's choices, the draft, sending with the seed-004 checks, withdrawal.

Why sending is strict: the typical errors ЦОК staff return applications for (seed 004) are
missing documents, missing отчество, no photo, another person's data sent from the same
cabinet and poor scans. Each is refused here with a message saying what to do, all at once,
before anything reaches the ЦОК. A sent application keeps a snapshot of the cabinet (the
cabinet may change later; the application keeps what was reviewed).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import peewee

from core.db import write_transaction
from core.exceptions import NotFoundError, PermissionDeniedError, ValidationError
from core.models import (Application, ApplicationDocument, ApplicationStatusChange, DocumentReview, Organisation,
                         OrgKind, Qualification, QualificationOffer, StoredDocument, User)
from core.models.applications import (FORM_PORTFOLIO, FORM_PRACTICE, PAYER_EMPLOYER, PAYER_SELF, PAYER_TITLES,
                                      PRACTICAL_FORM_TITLES)
from core.models.organisations import _now
from core.services import applicant_profile as profiles
from core.services.access import visible_applications
from core.services.applicant_profile import CONSENT_TEXT_VERSION, Checker, is_checked
from core.services.applications import change_status
from core.services.documents import copy_cabinet_documents, missing_document_kinds, quality_messages
from core.workflow import FINAL_STATUSES, ActorKind, Status, allowed_targets

if TYPE_CHECKING:
    from core.plugins import PluginHost

PAGE_SIZE = 20
NUMBER_PREFIX = "З"
MSG_NO_MIDDLE_NAME = ("В личных данных не указано отчество. Укажите отчество или отметьте «нет отчества», "
                      "если его нет в паспорте.")
MSG_NO_PHOTO = "В личных данных нет фотографии соискателя. Загрузите фото — без него заявление не принимается."
MSG_NO_PORTFOLIO = "Для защиты портфолио приложите файл портфолио или укажите ссылку на него."
MSG_ACK_QUALITY = "Сканы с замечаниями к качеству: {items}. Замените их в разделе «Документы» или отметьте, " \
                  "что проверили их и отправляете как есть."


@dataclass
class ApplicationForm:
    """What the wizard posts (strings as typed; ids of cabinet documents)."""

    venue: str = ""
    qualification: str = ""
    payer: str = PAYER_SELF
    employer: str = ""
    practical_form: str = FORM_PRACTICE
    portfolio_link: str = ""
    portfolio_digest: str | None = None  # a file uploaded with this post
    documents: list[str] = field(default_factory=list)
    consent_accuracy: bool = False
    consent_pd: bool = False
    ack_quality: bool = False

    @classmethod
    def from_fields(cls, fields: dict[str, list[str]]) -> "ApplicationForm":
        def one(name: str, default: str = "") -> str:
            values = fields.get(name) or [default]
            return values[-1].strip()

        return cls(venue=one("venue"), qualification=one("qualification"), payer=one("payer", PAYER_SELF),
                   employer=one("employer"), practical_form=one("practical_form", FORM_PRACTICE),
                   portfolio_link=one("portfolio_link"), documents=[v for v in fields.get("documents", []) if v],
                   consent_accuracy=is_checked(one("consent_accuracy")), consent_pd=is_checked(one("consent_pd")),
                   ack_quality=is_checked(one("ack_quality")))

    @classmethod
    def from_application(cls, application: Application, document_ids: list[int]) -> "ApplicationForm":
        return cls(venue=str(application.venue_id), qualification=str(application.qualification_id),
                   payer=application.payer, employer=str(application.employer_id or ""),
                   practical_form=application.practical_form, portfolio_link=application.portfolio_link or "",
                   documents=[str(i) for i in document_ids])


# --- choices ----------------------------------------------------------------------------------

def offered_qualifications() -> list[Qualification]:
    """Qualifications some active ЦОК examines."""
    cok_ids = Organisation.select(Organisation.id).where((Organisation.kind == OrgKind.COK.value)
                                                         & Organisation.is_active)
    offered = QualificationOffer.select(QualificationOffer.qualification).where(QualificationOffer.cok.in_(cok_ids))
    return list(Qualification.select().where(Qualification.is_active & Qualification.id.in_(offered))
                .order_by(Qualification.name, Qualification.level))


def venues_for(qualification_id: int | None) -> list[Organisation]:
    """Active venues whose ЦОК examines the qualification (any qualification when none is chosen)."""
    cok = Organisation.alias()
    offers = QualificationOffer.select(QualificationOffer.cok)
    if qualification_id:
        offers = offers.where(QualificationOffer.qualification == qualification_id)
    return list(Organisation.select(Organisation, cok)
                .join(cok, on=(Organisation.parent == cok.id))
                .where((Organisation.kind == OrgKind.VENUE.value) & Organisation.is_active
                       & (cok.kind == OrgKind.COK.value) & cok.is_active & cok.id.in_(offers))
                .order_by(cok.short_name, Organisation.short_name))


def employers() -> list[Organisation]:
    return list(Organisation.select(Organisation.id, Organisation.short_name, Organisation.inn)
                .where((Organisation.kind == OrgKind.EMPLOYER.value) & Organisation.is_active)
                .order_by(Organisation.short_name))


def _int(value: str, field_name: str, message: str) -> int:
    if not value.isdigit():
        raise ValidationError(message, field=field_name)
    return int(value)


def _venue(value: str) -> Organisation:
    message = "Выберите экзаменационную площадку."
    venue = Organisation.get_or_none((Organisation.id == _int(value, "venue", message))
                                     & (Organisation.kind == OrgKind.VENUE.value) & Organisation.is_active)
    if venue is None or venue.parent_id is None:
        raise ValidationError(message, field="venue")
    return venue


def _qualification(value: str) -> Qualification:
    message = "Выберите квалификацию."
    found = Qualification.get_or_none((Qualification.id == _int(value, "qualification", message))
                                      & Qualification.is_active)
    if found is None:
        raise ValidationError(message, field="qualification")
    return found


def _employer(value: str) -> Organisation:
    message = "Выберите работодателя-плательщика из списка зарегистрированных организаций."
    found = Organisation.get_or_none((Organisation.id == _int(value, "employer", message))
                                     & (Organisation.kind == OrgKind.EMPLOYER.value) & Organisation.is_active)
    if found is None:
        raise ValidationError(message, field="employer")
    return found


def _link(value: str) -> str | None:
    if not value:
        return None
    if len(value) > 500 or not value.lower().startswith(("https://", "http://")) or any(c.isspace() for c in value):
        raise ValidationError("Ссылка на портфолио: адрес вида https://disk.yandex.ru/… (не более 500 символов).",
                              field="portfolio_link")
    return value


def _own_documents(user: User, ids: list[str]) -> list[StoredDocument]:
    numbers = {int(i) for i in ids if i.isdigit()}
    found = list(StoredDocument.select().where((StoredDocument.owner == user) & StoredDocument.id.in_(numbers))
                 .order_by(StoredDocument.kind, StoredDocument.id)) if numbers else []
    if len(found) != len(numbers) or len(numbers) != len(ids):
        raise ValidationError("Документ не найден: обновите страницу и выберите документы заново.", field="documents")
    return found


# --- the draft --------------------------------------------------------------------------------

def save_draft(user: User, form: ApplicationForm, application: Application | None = None) -> Application:
    """Create or update a draft from the wizard; its documents are copied from the cabinet."""
    if application is not None and Status(application.status) is not Status.DRAFT:
        raise ValidationError("Заявление уже отправлено: изменить его можно только через замену документов.")
    check = Checker()
    venue = check(_venue, form.venue)
    qualification = check(_qualification, form.qualification)
    if venue and qualification and not QualificationOffer.select().where(
            (QualificationOffer.cok == venue.parent_id) & (QualificationOffer.qualification == qualification)).exists():
        check.add("venue", f"ЦОК площадки «{venue.short_name}» не проводит экзамен по квалификации "
                           f"«{qualification.title}». Выберите другую площадку.")
    if form.payer not in PAYER_TITLES:
        check.add("payer", "Выберите плательщика: соискатель или работодатель.")
    employer = check(_employer, form.employer) if form.payer == PAYER_EMPLOYER else None
    if form.practical_form not in PRACTICAL_FORM_TITLES:
        check.add("practical_form", "Выберите вид практического экзамена: практика или портфолио.")
    link = check(_link, form.portfolio_link)
    documents = check(_own_documents, user, form.documents) or []
    check.raise_if_any()
    portfolio = form.practical_form == FORM_PORTFOLIO
    with write_transaction():
        if application is None:
            application = Application(applicant=user, status=Status.DRAFT.value)
        application.cok, application.venue, application.qualification = venue.parent_id, venue, qualification
        application.payer, application.employer = form.payer, employer
        application.practical_form = form.practical_form
        application.portfolio_link = link if portfolio else None
        if not portfolio:
            application.portfolio_digest = None
        elif form.portfolio_digest:
            application.portfolio_digest = form.portfolio_digest
        application.updated_at = _now()
        created = application.id is None
        application.save()
        if created:
            ApplicationStatusChange.create(application=application, to_status=Status.DRAFT.value, actor=user,
                                           actor_label=user.email, comment="Черновик создан")
        for old in list(application.documents):
            old.delete_instance()
        copy_cabinet_documents(application, documents)
    return application


def draft_document_ids(user: User, application: Application) -> list[int]:
    """The cabinet documents the draft's copies came from (matched by kind and content)."""
    copies = {(d.kind, d.digest) for d in application.documents}
    if not copies:
        return []
    rows = StoredDocument.select(StoredDocument.id, StoredDocument.kind, StoredDocument.digest).where(
        (StoredDocument.owner == user) & StoredDocument.digest.in_([digest for _, digest in copies]))
    return [row.id for row in rows if (row.kind, row.digest) in copies]


# --- sending ----------------------------------------------------------------------------------

def _other_person(user: User, person: profiles.Identity, application: Application) -> str | None:
    """Compare the cabinet's person with the snapshots of this cabinet's sent applications."""
    sent = (Application.select(Application.id, Application.number, Application.personal_data)
            .where((Application.applicant == user)
                   & Application.status.not_in([Status.DRAFT.value, Status.WITHDRAWN.value]))
            .order_by(Application.id))
    for other in sent:
        data = json.loads(other.personal_data or "{}")
        differs = [label for key, label in (("snils", "СНИЛС"), ("birth_date", "дата рождения"))
                   if data.get(key) != getattr(person, key)]
        if differs:
            where = "этого заявления" if other.id == application.id else f"заявления {other.number}"
            return (f"Данные личного кабинета не совпадают с данными {where}: {', '.join(differs)}. "
                    "Из одного личного кабинета подаются заявления только на его владельца; каждый соискатель "
                    "регистрируется сам. Если вы исправили опечатку, обратитесь в ЦОК.")
    return None


def poor_scans(user: User, documents: list[ApplicationDocument]) -> list[str]:
    digests = [d.digest for d in documents]
    flags = {row.digest: row.quality_flags for row in StoredDocument.select(
        StoredDocument.digest, StoredDocument.quality_flags).where(
        (StoredDocument.owner == user) & StoredDocument.digest.in_(digests) & (StoredDocument.quality_flags != ""))}
    return [f"«{d.title}» — {', '.join(quality_messages(flags[d.digest]))}" for d in documents if d.digest in flags]


def _same_qualification(user: User, application: Application) -> Application | None:
    return (Application.select(Application.id, Application.number, Application.status)
            .where((Application.applicant == user) & (Application.qualification == application.qualification_id)
                   & (Application.id != application.id)
                   & Application.status.not_in([Status.DRAFT.value, *(s.value for s in FINAL_STATUSES)]))
            .first())


def readiness_errors(user: User, application: Application, *, consent_accuracy: bool, consent_pd: bool,
                     ack_quality: bool) -> dict[str, str]:
    """Every reason the application cannot be sent now, by the block it concerns."""
    status = Status(application.status)
    profile = profiles.get_profile(user)
    check = Checker()
    missing = profiles.missing_profile_fields(profile)
    if missing:
        check.add("personal", "В личных данных не заполнено: " + ", ".join(missing) + ".")
    if not profile.middle_name and not profile.no_middle_name:
        check.add("middle_name", MSG_NO_MIDDLE_NAME)
    if not profile.photo_digest:
        check.add("photo", MSG_NO_PHOTO)
    other = _other_person(user, profiles.identity(profile), application)
    if other:
        check.add("person", other)
    documents = list(application.documents.order_by(ApplicationDocument.id))
    kinds = missing_document_kinds(application.qualification, documents)
    if kinds:
        check.add("documents", "Не приложены обязательные документы: " + ", ".join(f"«{k.title}»" for k in kinds)
                  + ". Загрузите их в разделе «Документы» и отметьте в заявлении.")
    rejected = [d.title for d in documents if d.review == DocumentReview.REJECTED]
    if rejected:
        check.add("documents", "Замените отклонённые документы: " + ", ".join(f"«{t}»" for t in rejected) + ".")
    poor = poor_scans(user, documents)
    if poor and not ack_quality:
        check.add("ack_quality", MSG_ACK_QUALITY.format(items="; ".join(poor)))
    portfolio = application.portfolio_digest or application.portfolio_link
    if application.practical_form == FORM_PORTFOLIO and not portfolio:
        check.add("portfolio", MSG_NO_PORTFOLIO)
    if status is Status.DRAFT:
        if not consent_accuracy:
            check.add("consent_accuracy", "Подтвердите достоверность представленных данных.")
        if not consent_pd:
            check.add("consent_pd", "Дайте согласие на обработку персональных данных — без него заявление "
                                    "не рассматривается.")
        same = _same_qualification(user, application)
        if same:
            check.add("qualification", f"По этой квалификации уже подано заявление {same.number} "
                                       f"(статус «{Status(same.status).title}»).")
    return check.errors


def next_number(year: int) -> str:
    """«З-2026-000123»: sequential per calendar year."""
    prefix = f"{NUMBER_PREFIX}-{year}-"
    last = (Application.select(peewee.fn.MAX(Application.number))
            .where(Application.number.startswith(prefix)).scalar())
    return f"{prefix}{(int(last[len(prefix):]) if last else 0) + 1:06d}"


def _assign_number(application: Application) -> None:
    """Number the application; a clash with a concurrent sender takes the next number."""
    for _attempt in range(5):
        try:
            with write_transaction():  # a savepoint: a clash rolls back only this
                application.number = next_number(_now().year)
                application.save(only=[Application.number])
            return
        except peewee.IntegrityError:
            application.number = None
    raise ValidationError("Не удалось присвоить номер заявлению: повторите отправку.")


def send_application(user: User, application: Application, plugins: "PluginHost", *,
                     consent_accuracy: bool = False, consent_pd: bool = False,
                     ack_quality: bool = False) -> Application:
    """«Отправить» (a draft) or «Отправить повторно» (after «На доработке»); raise `FormErrors`.

    Takes the snapshot of the cabinet, numbers the application and moves it to «На рассмотрении»
    — one transaction with the history row, the audit record and the letter.
    """
    if application.applicant_id != user.id:
        raise PermissionDeniedError("Отправить заявление может только сам соискатель.")
    status = Status(application.status)
    if status not in (Status.DRAFT, Status.NEEDS_FIX):
        raise ValidationError(f"Заявление в статусе «{status.title}» отправить нельзя.")
    errors = readiness_errors(user, application, consent_accuracy=consent_accuracy, consent_pd=consent_pd,
                              ack_quality=ack_quality)
    if errors:
        raise profiles.FormErrors(errors)
    profile = profiles.get_profile(user)
    with write_transaction():
        application.personal_data = json.dumps(profiles.snapshot(profile), ensure_ascii=False)
        application.full_name, application.snils = profile.full_name, profile.snils
        if status is Status.DRAFT:
            now = _now()
            application.consent_accuracy_at = application.consent_pd_at = now
            application.consent_text_version = CONSENT_TEXT_VERSION
        application.save()
        if application.number is None:
            _assign_number(application)
        comment = "Подано повторно после доработки" if status is Status.NEEDS_FIX else None
        change_status(application, Status.SUBMITTED, ActorKind.APPLICANT, user, plugins, comment=comment)
    return application


def withdraw(user: User, application: Application, plugins: "PluginHost") -> Application:
    """«Отозвать заявление» / «Удалить черновик» where the status machine allows the applicant."""
    if Status.WITHDRAWN not in allowed_targets(Status(application.status), ActorKind.APPLICANT):
        raise ValidationError(f"В статусе «{Status(application.status).title}» заявление отозвать нельзя: "
                              "обратитесь в ЦОК.")
    change_status(application, Status.WITHDRAWN, ActorKind.APPLICANT, user, plugins,
                  comment="Отозвано соискателем")
    return application


# --- reading ----------------------------------------------------------------------------------

def list_applications(user: User, page: int = 1) -> tuple[list[Application], int]:
    """One page of the applicant's applications, newest first, with qualification and venue (3 queries)."""
    venue = Organisation.alias()
    query = (visible_applications(user)
             .select(Application, Qualification, venue)
             .join(Qualification, on=(Application.qualification == Qualification.id))
             .switch(Application).join(venue, on=(Application.venue == venue.id))
             .order_by(Application.created_at.desc(), Application.id.desc()))
    return list(query.paginate(max(page, 1), PAGE_SIZE)), visible_applications(user).count()


def get_own_document(user: User, document_id: int) -> StoredDocument:
    found = StoredDocument.get_or_none((StoredDocument.id == document_id) & (StoredDocument.owner == user))
    if found is None:
        raise NotFoundError("Документ не найден.")
    return found


def snapshot_of(application: Application) -> dict[str, Any]:
    return json.loads(application.personal_data or "{}")


def history_of(application: Application) -> list[ApplicationStatusChange]:
    return list(application.status_history.order_by(ApplicationStatusChange.at, ApplicationStatusChange.id))
