"""«Эксперты»: the СПК's experts database, the source appliances receive in reference snapshots.

An expert is a core `User` (role expert, organisation = the СПК) without a password at the registry:
they sign in on appliances, which learn them from the snapshot. Each «Квалификация» block of the
form is an `ExpertCertificate` (seed 002: qualification, «Дата начала/окончания свидетельства»,
«Номер/Дата протокола»). An expert already named in documents cannot be deleted; they are switched
off instead, so no new commission takes them.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import peewee

from central import revisions
from central.admin.forms import Checker, clean_text, flag, parse_date
from central.services.paging import Page, paginate
from core.db import database, write_transaction
from core.exceptions import NotFoundError, ValidationError
from core.models import ExpertCertificate, OneTimeToken, Organisation, Qualification, Role, User, WebSession
from core.services.users import ensure_email_free, create_user
from core.validators import validate_email, validate_person_name_part, validate_phone

PAGE_SIZE = 25
BLOCK_FIELDS = ("qualification", "valid_from", "valid_to", "protocol_number", "protocol_date")
EMPTY_BLOCKS = 2  # empty «Квалификация» blocks under the filled ones («+ Добавить квалификацию» without JS)


class ExpertStatus:
    ACTIVE = "Действующий"
    EXPIRED = "Истёк"
    NOT_STARTED = "Свидетельство ещё не действует"
    NONE = "Нет свидетельств"
    DISABLED = "Отключён"


@dataclass
class ExpertRow:
    expert: User
    certificates: list[ExpertCertificate] = field(default_factory=list)
    status: str = ExpertStatus.NONE


@dataclass
class CertificateBlock:
    """One checked «Квалификация» block: `cert_id` when it edits a stored certificate."""

    cert_id: int | None
    qualification: Qualification
    valid_from: dt.date
    valid_to: dt.date
    protocol_number: str
    protocol_date: dt.date


def certificate_status(cert: ExpertCertificate, today: dt.date) -> str:
    if cert.valid_to < today:
        return ExpertStatus.EXPIRED
    if cert.valid_from > today:
        return ExpertStatus.NOT_STARTED
    return ExpertStatus.ACTIVE


def expert_status(expert: User, certificates: list[ExpertCertificate], today: dt.date) -> str:
    """«Действующий» while any certificate is valid today, else «Истёк» (or why not)."""
    if not expert.is_active:
        return ExpertStatus.DISABLED
    states = {certificate_status(c, today) for c in certificates}
    for state in (ExpertStatus.ACTIVE, ExpertStatus.NOT_STARTED, ExpertStatus.EXPIRED):
        if state in states:
            return state
    return ExpertStatus.NONE


def _experts(spk: Organisation) -> peewee.ModelSelect:
    return User.select().where((User.role == Role.EXPERT.value) & (User.organisation == spk))


def list_experts(spk: Organisation, query: str = "", page: int = 1, today: dt.date | None = None
                 ) -> tuple[Page, list[ExpertRow]]:
    """One page of experts (search by ФИО, e-mail or qualification code), certificates loaded in one query."""
    today = today or dt.date.today()
    experts = _experts(spk)
    text = " ".join(query.split())
    if text:
        by_code = (ExpertCertificate.select(ExpertCertificate.expert).join(Qualification)
                   .where(Qualification.code.startswith(text) | Qualification.name.contains(text)))
        experts = experts.where(User.full_name.contains(text) | User.email.contains(text.lower())
                                | User.id.in_(by_code))
    result = paginate(experts.order_by(User.full_name, User.id), page, PAGE_SIZE)
    rows = {e.id: ExpertRow(e) for e in result.rows}
    if rows:
        for cert in (ExpertCertificate.select(ExpertCertificate, Qualification).join(Qualification)
                     .where(ExpertCertificate.expert.in_(list(rows)))
                     .order_by(Qualification.code, ExpertCertificate.valid_from)):
            rows[cert.expert_id].certificates.append(cert)
    for row in rows.values():
        row.status = expert_status(row.expert, row.certificates, today)
    return result, list(rows.values())


def get_expert(spk: Organisation, expert_id: int) -> User:
    expert = _experts(spk).where(User.id == expert_id).first()
    if expert is None:
        raise NotFoundError("Эксперт не найден.")
    return expert


def certificates_of(expert: User) -> list[ExpertCertificate]:
    return list(ExpertCertificate.select(ExpertCertificate, Qualification).join(Qualification)
                .where(ExpertCertificate.expert == expert).order_by(Qualification.code, ExpertCertificate.valid_from))


def qualifications_of(spk: Organisation) -> list[Qualification]:
    return list(Qualification.select().where(Qualification.spk == spk).order_by(Qualification.code))


# --- the form -------------------------------------------------------------------------------------

def split_name(full_name: str) -> tuple[str, str, str]:
    parts = full_name.split(" ", 2)
    return (parts + ["", "", ""])[0], (parts + ["", ""])[1], parts[2] if len(parts) > 2 else ""


def expert_form(expert: User | None, certificates: list[ExpertCertificate] = ()) -> dict[str, str]:
    """The form as the page shows it: the stored expert and one block per certificate."""
    form: dict[str, str] = {}
    if expert is not None:
        last, first, middle = split_name(expert.full_name)
        form.update(last_name=last, first_name=first, middle_name=middle, email=expert.email,
                    phone=expert.phone or "")
    for n, cert in enumerate(certificates, start=1):
        form.update({f"cert_{n}": str(cert.id), f"qualification_{n}": str(cert.qualification_id),
                     f"valid_from_{n}": cert.valid_from.isoformat(), f"valid_to_{n}": cert.valid_to.isoformat(),
                     f"protocol_number_{n}": cert.protocol_number,
                     f"protocol_date_{n}": cert.protocol_date.isoformat()})
    return form


def posted_numbers(form: dict[str, str]) -> list[int]:
    """Numbers of the «Квалификация» blocks present in a posted form."""
    numbers = set()
    for key in form:
        stem, _, number = key.rpartition("_")
        if number.isdigit() and stem in (*BLOCK_FIELDS, "cert", "remove"):
            numbers.add(int(number))
    return sorted(numbers)


def block_numbers(form: dict[str, str], extra: int = 0) -> list[int]:
    """Blocks to draw: the filled ones (numbers kept, so errors stay next to them) and empty ones after them."""
    filled = [n for n in posted_numbers(form) if any(form.get(f"{f}_{n}") for f in (*BLOCK_FIELDS, "cert"))]
    last = max(filled, default=0)
    return filled + list(range(last + 1, last + 1 + EMPTY_BLOCKS + extra))


def _personal(form: dict[str, str], check: Checker) -> dict[str, str | None]:
    parts = []
    for name, required in (("last_name", True), ("first_name", True), ("middle_name", False)):
        value = " ".join((form.get(name) or "").split())
        if not value:
            if required:
                check.add(name, f"{'Фамилия' if name == 'last_name' else 'Имя'}: значение не указано.")
            continue
        parts.append(check(validate_person_name_part, value, name))
    full_name = " ".join(p for p in parts if p)
    if len(full_name) > 300:
        check.add("last_name", "ФИО слишком длинное (не более 300 символов).")
    return {"full_name": full_name,
            "email": check(validate_email, form.get("email", "")),
            "phone": check(validate_phone, form.get("phone", "")) if (form.get("phone") or "").strip() else None}


def _blocks(spk: Organisation, form: dict[str, str], check: Checker, own: dict[int, ExpertCertificate],
            today: dt.date) -> tuple[list[CertificateBlock], list[ExpertCertificate]]:
    """Checked blocks to keep or add, and the stored certificates to remove (ticked «Удалить»)."""
    blocks: list[CertificateBlock] = []
    removed: list[ExpertCertificate] = []
    quals = {q.id: q for q in Qualification.select().where(Qualification.spk == spk)}
    for n in posted_numbers(form):
        values = {f: (form.get(f"{f}_{n}") or "").strip() for f in BLOCK_FIELDS}
        cert_id = (form.get(f"cert_{n}") or "").strip()
        cert = own.get(int(cert_id)) if cert_id.isdigit() else None
        if cert_id and cert is None:
            check.add(f"qualification_{n}", "Свидетельство не найдено: обновите страницу.")
            continue
        if cert is not None and flag(form.get(f"remove_{n}")):
            removed.append(cert)
            continue
        if cert is None and not any(values.values()):
            continue  # an empty block
        qual_id = values["qualification"]
        qualification = quals.get(int(qual_id)) if qual_id.isdigit() else None
        if qualification is None:
            check.add(f"qualification_{n}", "Выберите квалификацию из перечня квалификаций СПК.")
        start = check(parse_date, values["valid_from"], f"valid_from_{n}", "Дата начала свидетельства")
        end = check(parse_date, values["valid_to"], f"valid_to_{n}", "Дата окончания свидетельства")
        number = check(clean_text, values["protocol_number"], f"protocol_number_{n}", "Номер протокола", 50,
                       required=True)
        signed = check(parse_date, values["protocol_date"], f"protocol_date_{n}", "Дата протокола")
        if start and end and end < start:
            check.add(f"valid_to_{n}", "Дата окончания свидетельства раньше даты начала.")
        if signed and signed > today:
            check.add(f"protocol_date_{n}", "Дата протокола не может быть в будущем.")
        elif signed and end and signed > end:
            check.add(f"protocol_date_{n}", "Дата протокола позже окончания действия свидетельства.")
        if qualification and start and end and number and signed and not any(k.endswith(f"_{n}") for k in check.errors):
            blocks.append(CertificateBlock(cert.id if cert else None, qualification, start, end, number, signed))
    for i, a in enumerate(blocks):
        for b in blocks[i + 1:]:
            if a.qualification.id == b.qualification.id and a.valid_from <= b.valid_to and b.valid_from <= a.valid_to:
                check.add("form", f"Свидетельства по квалификации {a.qualification.code} пересекаются по датам.")
    return blocks, removed


def save_expert(spk: Organisation, form: dict[str, str], expert: User | None = None,
                today: dt.date | None = None) -> User:
    """Create or update an expert with their «Квалификация» blocks in one transaction (all or nothing)."""
    today = today or dt.date.today()
    if expert is not None:
        expert = get_expert(spk, expert.id)
    own = {c.id: c for c in certificates_of(expert)} if expert else {}
    check = Checker()
    personal = _personal(form, check)
    blocks, removed = _blocks(spk, form, check, own, today)
    if expert is None and not blocks and not check.errors:
        check.add("qualification_1", "Укажите хотя бы одну квалификацию эксперта.")
    if personal["email"] and "email" not in check.errors:
        check(ensure_email_free, personal["email"], exclude_id=expert.id if expert else None)
    check.raise_if_any()
    with write_transaction():
        if expert is None:
            expert = create_user(email=personal["email"], full_name=personal["full_name"], role=Role.EXPERT,
                                 organisation=spk, phone=personal["phone"] or "")
            what = "добавлен"
        else:
            expert.full_name, expert.email, expert.phone = personal["full_name"], personal["email"], personal["phone"]
            expert.save()
            what = "изменён"
        for cert in removed:
            cert.delete_instance()
        for block in blocks:
            cert = own[block.cert_id] if block.cert_id else ExpertCertificate(expert=expert)
            cert.qualification, cert.valid_from, cert.valid_to = block.qualification, block.valid_from, block.valid_to
            cert.protocol_number, cert.protocol_date = block.protocol_number, block.protocol_date
            cert.save()
        revisions.bump(f"Эксперт {what}: {expert.full_name}")
    return expert


def delete_expert(spk: Organisation, expert: User) -> bool:
    """Delete the expert, or switch them off when documents name them; True when deleted."""
    expert = get_expert(spk, expert.id)
    with write_transaction():
        try:
            with database.atomic():
                for cert in ExpertCertificate.select().where(ExpertCertificate.expert == expert):
                    cert.delete_instance()  # one by one, so each removal is audited
                WebSession.delete().where(WebSession.user == expert).execute()
                OneTimeToken.delete().where(OneTimeToken.user == expert).execute()
                expert.delete_instance()
            deleted = True
        except peewee.IntegrityError:
            expert = get_expert(spk, expert.id)
            expert.is_active = False
            expert.save()
            deleted = False
        revisions.bump(f"Эксперт {'удалён' if deleted else 'отключён'}: {expert.full_name}")
    return deleted


def restore_expert(spk: Organisation, expert: User) -> User:
    """Switch a switched-off expert back on."""
    expert = get_expert(spk, expert.id)
    if expert.is_active:
        raise ValidationError("Эксперт не отключён.")
    with write_transaction():
        expert.is_active = True
        expert.save()
        revisions.bump(f"Эксперт включён: {expert.full_name}")
    return expert

