"""Демо-данные для `nok demo` и `make run`: организации, квалификации и пользователи всех ролей.

Everything is fictional but realistic: organisation names, addresses, heads and signers read
like the real ones in the seeds, and every requisite (ИНН, КПП, ОГРН, БИК, расчётный и
корреспондентский счёт) carries a correct check digit. The check digits are computed here
from the official algorithms and the result is checked once more with `core.validators`
at load time, so a broken demo number fails loudly instead of reaching a contract.

With the running appliance's services `load_demo` also loads a demo exam day
(`appliance.demo_exam_day`): past and current exam groups of «Специалист по охране труда» with
attempts, marks, decisions and a protocol, made through the same services as the real ones.

`load_demo` is idempotent: a second run finds the marker account and creates nothing.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from core import audit
from core.db import write_transaction
from core.demo_data import (APPLICANTS, DEMO_PRICES, ORGANISATIONS, PROF_STANDARDS, Bank, OrgSpec,  # noqa: F401
                             Person, check_requisites, inn10, ogrn13, settlement_account)
from core.kos.demo import load_labour_safety_kos
from core.models import (ExamSlot, ExpertCertificate, Organisation, OrgKind, Price, ProfStandard, Qualification,
                         QualificationOffer, Role, User)
from core.models.users import CABINET_TITLES, ROLE_TITLES, Cabinet
from core.security import check_password_strength, hash_password
from core.services.users import create_user

if TYPE_CHECKING:
    from core.context import Services

DEFAULT_PASSWORD = "nok-demo-2026"
#: The account whose presence means the demo data is already loaded.
MARKER_EMAIL = "admin@spk.demo.nok"
ALREADY_LOADED = "Демо-данные уже загружены"


@dataclass(frozen=True)
class DemoLogin:
    """One demo account as `nok demo` prints it."""

    cabinet: str  # «Личный кабинет ЦОК»
    role: str  # «Администратор»
    organisation: str  # short name, «—» for an applicant
    email: str


def all_people() -> list[tuple[Person, str | None]]:
    """Every demo account with the key of its organisation, in the order `nok demo` lists them."""
    people: list[tuple[Person, str | None]] = []
    for spec in ORGANISATIONS:
        people += [(p, spec.key) for p in spec.staff]
    people += [(p, None) for p in APPLICANTS]
    return people


def is_demo_loaded() -> bool:
    return User.select().where(User.email == MARKER_EMAIL).exists()


def _login_of(user: User) -> DemoLogin:
    role = Role(user.role)
    if role is Role.EXPERT:
        cabinet = Cabinet.EXPERT
    elif role is Role.APPLICANT:
        cabinet = Cabinet.APPLICANT
    else:
        cabinet = Cabinet(user.organisation.kind)
    org = user.organisation.short_name if user.organisation_id else "—"
    return DemoLogin(CABINET_TITLES[cabinet], ROLE_TITLES[role], org, user.email)


def demo_logins() -> list[DemoLogin]:
    """The demo accounts present in the database, in the canonical order."""
    users = {u.email: u for u in User.select().where(User.email.in_([p.email for p, _ in all_people()]))}
    return [_login_of(users[p.email]) for p, _ in all_people() if p.email in users]


# --- loading -----------------------------------------------------------------------------------

def load_demo(password: str = DEFAULT_PASSWORD, services: "Services | None" = None) -> list[DemoLogin]:
    """Load the demo data once (in one transaction, as the system); return the demo logins.

    With `services` (blob store and plugins) the demo exam day is loaded too. If the data is
    already there nothing is created or changed and the existing logins are returned; call
    `is_demo_loaded()` first to tell the user «Демо-данные уже загружены».
    """
    if is_demo_loaded():
        return demo_logins()
    for spec in ORGANISATIONS:
        check_requisites(spec.fields, spec.fields["short_name"])
    for person, _ in all_people():
        check_password_strength(password, person.email)
    with audit.acting_as(audit.SYSTEM), write_transaction():
        if is_demo_loaded():  # another process won the race while we were checking
            return demo_logins()
        orgs: dict[str, Organisation] = {}
        for spec in ORGANISATIONS:
            orgs[spec.key] = Organisation.create(kind=spec.kind.value,
                                                 parent=orgs[spec.parent] if spec.parent else None,
                                                 **spec.fields)
        for code, name, order, qualifications in PROF_STANDARDS:
            standard = ProfStandard.get_or_none(ProfStandard.code == code)
            if standard is None:
                standard = ProfStandard.create(code=code, name=name, approval_order=order)
            for q_code, q_name, level in qualifications:
                if not Qualification.select().where(Qualification.code == q_code).exists():
                    Qualification.create(spk=orgs["spk"], prof_standard=standard, code=q_code, name=q_name,
                                         level=level)
        # One argon2 hash for every demo account: they share the password anyway, and a hash
        # per account would cost `make run` three seconds.
        password_hash = hash_password(password)
        for person, org_key in all_people():
            user = create_user(email=person.email, full_name=person.full_name, role=person.role,
                               organisation=orgs[org_key] if org_key else None, phone=person.phone,
                               position=person.position)
            user.password_hash = password_hash
            user.save()
        _load_catalog(orgs, dt.date.today())
        load_labour_safety_kos()  # the КОС of «Специалист по охране труда (6 уровень)», through the importer
        if services is not None:
            from appliance.demo_exam_day import load_exam_day

            load_exam_day(services)
    return demo_logins()


SLOT_TIMES = (dt.time(10, 0), dt.time(14, 0))
SLOT_SEATS = 5
SLOT_DAYS = 45


def _load_catalog(orgs: dict[str, Organisation], today: dt.date) -> None:
    """Offers, prices, a schedule for the next weeks and experts' certificates: enough to apply and
    to form an exam group right after `make run`. Offers start «КОС не выгружен»: only a stored
    КОС marks one loaded (the importer does, for the demo КОС)."""
    qualifications = list(Qualification.select().where(Qualification.code.in_(list(DEMO_PRICES))))
    for cok in (orgs["cok1"], orgs["cok2"]):
        for qualification in qualifications:
            QualificationOffer.create(cok=cok, qualification=qualification)
            Price.create(cok=cok, qualification=qualification, amount=Decimal(DEMO_PRICES[qualification.code]))
    for venue in (orgs["venue1"], orgs["venue2"], orgs["venue3"]):
        for offset in range(1, SLOT_DAYS + 1):
            day = today + dt.timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            for qualification in qualifications:
                for at in SLOT_TIMES:
                    ExamSlot.create(venue=venue, qualification=qualification, starts_at=dt.datetime.combine(day, at),
                                    seats=SLOT_SEATS)
    experts = User.select().where(User.role == Role.EXPERT.value)
    for number, expert in enumerate(experts, start=1):
        for qualification in qualifications:
            ExpertCertificate.create(expert=expert, qualification=qualification,
                                     valid_from=today - dt.timedelta(days=365), valid_to=today + dt.timedelta(days=730),
                                     protocol_number=f"СПК-{today.year - 1}/{number:02d}",
                                     protocol_date=today - dt.timedelta(days=370))
