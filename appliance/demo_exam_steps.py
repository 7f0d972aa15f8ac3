"""The steps of a demo exam day, each done through the service a ЦОК, a station or an expert uses.

`appliance.demo_exam_day` tells the story (who sits when, who passes); these helpers act it
out: an application is sent, accepted and paid, joins a group, is admitted; the order is
generated and signed; «Начать экзамен» issues codes; the candidate signs in at a station with
the code, answers and finishes; experts mark and decide. Statuses, history, audit and scores
therefore come out exactly as on a real exam day.

Past days need one thing the services cannot know: the date. Services that take `now` get it;
for rows they stamp with the real clock, `Clock.at(moment)` moves the rows written inside the
block to that moment (status history, decisions, marks, payments, protocols, letters).
Letters the demo queues count as delivered: their addressees are fictional, and a real
letter (a password link) must not queue behind them.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Iterator

import peewee

from appliance import demo_answers
from appliance.demo_candidates import Candidate, personal_data, result_docx
from core.models import (Application, ApplicationStatusChange, AttemptFile, CommissionProtocol,
                         CommissionResult, ExamAttempt, ExamGroup, ExpertDecision, FinishReason, GroupMember, Invoice,
                         OutgoingMail, Payment, PracticeMark, Price, SpkSubmission, User)
from core.models.users import Role
from core.providers import PaymentConfirmation
from core.services import attempts, billing, commission, exam_groups, kiosk, payments
from core.services.applicant_profile import CONSENT_TEXT_VERSION
from core.services.application_forms import next_number
from core.services.applications import change_status
from core.services.scheduling import local_now
from core.services.users import create_user
from core.workflow import ActorKind, Status

if TYPE_CHECKING:
    from core.context import Services

STAMPED = ((ApplicationStatusChange, ("at",)), (ExpertDecision, ("saved_at",)), (CommissionResult, ("decided_at",)),
           (PracticeMark, ("saved_at",)), (SpkSubmission, ("queued_at",)), (Payment, ("created_at",)),
           (AttemptFile, ("uploaded_at",)), (CommissionProtocol, ("created_at", "signed_at")),
           (OutgoingMail, ("created_at", "next_attempt_at", "sent_at")))
STATION_NETWORK = "10.20.1."


def utc(moment: dt.datetime) -> dt.datetime:
    """The venue's wall-clock time (what groups store) as the naive UTC the other records keep."""
    return kiosk.local_to_utc(moment)


def _last_ids() -> dict[type[peewee.Model], int]:
    """The newest id of every stamped table, in one query (the clock asks after every step)."""
    db = ApplicationStatusChange._meta.database
    columns = ", ".join(f'(SELECT MAX(id) FROM "{model._meta.table_name}")' for model, _ in STAMPED)
    row = db.execute_sql(f"SELECT {columns}").fetchone()
    return {model: value or 0 for (model, _), value in zip(STAMPED, row)}


class Clock:
    """Back-dates what the services stamp with the real clock, block by block."""

    def __init__(self) -> None:
        self.seen = _last_ids()

    @contextlib.contextmanager
    def at(self, moment: dt.datetime) -> Iterator[None]:
        """Rows written in the block get `moment` (the venue's time; a future moment means now)."""
        yield
        self.stamp(utc(min(moment, local_now())).replace(microsecond=0))

    def stamp(self, when: dt.datetime | None) -> None:
        """Rows written since the last stamp get `when` (None: keep the real time); letters count as sent."""
        latest = _last_ids()
        for model, fields in STAMPED:
            if latest[model] == self.seen[model]:
                continue
            new = (model.id > self.seen[model]) & (model.id <= latest[model])
            if model is OutgoingMail:
                values = {OutgoingMail.sent_at: when or OutgoingMail.created_at, OutgoingMail.attempts: 1}
                if when is not None:
                    values.update({OutgoingMail.created_at: when, OutgoingMail.next_attempt_at: when})
                OutgoingMail.update(values).where(new).execute()
            elif when is not None:
                for name in fields:
                    column = getattr(model, name)
                    model.update({column: when}).where(new & column.is_null(False)).execute()
        self.seen = latest


@dataclass
class Cast:
    """Who acts on the demo exam day and with what."""

    services: "Services"
    group_keys: dict  # cok, venue, qualification
    cok_operator: User
    venue_operator: User
    chair: User
    member: User
    clock: Clock

    @property
    def plugins(self):
        return self.services.plugins

    @property
    def blobs(self):
        return self.services.blobs

    @property
    def experts(self) -> list[User]:
        return [self.chair, self.member]


# --- the application ----------------------------------------------------------------------------

def _office_hours(day: dt.date, rng: random.Random) -> dt.datetime:
    """A moment of the ЦОК's working day (9:30–17:30) when staff act on an application."""
    return dt.datetime.combine(day, dt.time(9, 30)) + dt.timedelta(minutes=rng.randint(0, 8 * 60))


def application(cast: Cast, person: Candidate, exam_day: dt.date, applicant: User | None = None) -> Application:
    """Sent three weeks before the exam, accepted, invoiced and paid: «Оплачено. Согласование даты»."""
    keys, clock = cast.group_keys, cast.clock
    user = applicant or create_user(email=person.email, full_name=person.full_name, role=Role.APPLICANT,
                                    phone=person.phone)
    rng = random.Random(f"nok-demo-application:{person.email}")
    sent = dt.datetime.combine(exam_day - dt.timedelta(days=rng.randint(19, 26)), dt.time(rng.randint(9, 20),
                                                                                          rng.randint(0, 59)))
    data = personal_data(person, exam_day)
    app = Application.create(applicant=user, cok=keys["cok"], venue=keys["venue"], qualification=keys["qualification"],
                             status=Status.DRAFT.value, full_name=person.full_name, snils=data["snils"],
                             personal_data=json.dumps(data, ensure_ascii=False), consent_accuracy_at=utc(sent),
                             consent_pd_at=utc(sent), consent_text_version=CONSENT_TEXT_VERSION,
                             created_at=utc(sent - dt.timedelta(days=1)))
    with clock.at(sent):
        app.number, app.submitted_at = next_number(sent.year), utc(sent)
        change_status(app, Status.SUBMITTED, ActorKind.APPLICANT, user, cast.plugins)
    accepted = _office_hours(sent.date() + dt.timedelta(days=2), rng)
    amount = Price.get((Price.cok == keys["cok"]) & (Price.qualification == keys["qualification"])).amount
    with clock.at(accepted):
        number, contract = billing.next_numbers(keys["cok"], accepted.year)
        invoice = Invoice.create(number=number, contract_number=contract, cok=keys["cok"], application=app,
                                 payer_name=person.full_name, amount=amount, issued_on=accepted.date(),
                                 created_at=utc(accepted))
        change_status(app, Status.AWAITING_PAYMENT, ActorKind.CENTRE, cast.cok_operator, cast.plugins,
                      comment=f"Документы приняты. Выставлен счёт № {number} на оплату экзамена")
    paid = _office_hours(accepted.date() + dt.timedelta(days=rng.randint(1, 4)), rng)
    with clock.at(paid):
        confirmation = PaymentConfirmation(amount=Decimal(amount), paid_on=paid.date(),
                                           reference=f"{rng.randint(100, 999)} от {paid:%d.%m.%Y}",
                                           payer=person.full_name)
        payments.record_payment(invoice, confirmation, "manual", cast.cok_operator, cast.plugins)
        Invoice.update(paid_at=utc(paid)).where(Invoice.id == invoice.id).execute()
    return Application.get_by_id(app.id)


# --- the group ----------------------------------------------------------------------------------

def group(cast: Cast, kind: str, starts_at: dt.datetime, applications: list[Application], order_number: str, *,
          duration_minutes: int = 120, admit: int | None = None) -> tuple[ExamGroup, list[GroupMember]]:
    """A group held at `starts_at`: commission, members, the signed order, admission and «Начать экзамен».

    A past group is made directly (the form refuses a date that has passed) and everything
    after goes through `core.services.exam_groups`; `admit` leaves the rest «Не рассмотрен».
    """
    keys, clock, operator = cast.group_keys, cast.clock, cast.cok_operator
    formed = starts_at - dt.timedelta(days=9)
    with clock.at(formed):
        if starts_at > local_now():  # «+ Создать новую группу», as the ЦОК's form does it
            form = exam_groups.GroupForm(
                date=starts_at.date().isoformat(), time=f"{starts_at:%H:%M}", duration_minutes=str(duration_minutes),
                venue=str(keys["venue"].id), seats=str(max(len(applications), 5)),
                qualification=str(keys["qualification"].id), expert_ids=(str(cast.chair.id), str(cast.member.id)),
                chair_ids=(str(cast.chair.id),))
            made = exam_groups.create_group(operator, kind, form)
        else:
            made = ExamGroup.create(kind=kind, cok=keys["cok"], venue=keys["venue"],
                                    qualification=keys["qualification"], starts_at=starts_at,
                                    duration_minutes=duration_minutes, seats=max(len(applications), 5))
            exam_groups.set_commission(operator, made, [cast.chair.id, cast.member.id], cast.chair.id)
    ExamGroup.update(created_at=utc(formed)).where(ExamGroup.id == made.id).execute()
    with clock.at(formed + dt.timedelta(days=2)):
        members = [exam_groups.assign_application(operator, made, app, cast.plugins) for app in applications]
    ordered = starts_at - dt.timedelta(days=3)
    with clock.at(ordered):
        made = ExamGroup.get_by_id(made.id)  # as the order page reads it, with the ЦОК's current profile
        exam_groups.generate_order(operator, made, order_number, ordered.date().isoformat(), cast.blobs)
        exam_groups.sign_order(operator, made, cast.blobs)
    ExamGroup.update(order_signed_at=utc(ordered)).where(ExamGroup.id == made.id).execute()
    checked = starts_at - dt.timedelta(minutes=25)
    with clock.at(checked):
        for member in members[:admit if admit is not None else len(members)]:
            exam_groups.admit(cast.venue_operator, GroupMember.get_by_id(member.id), cast.plugins,
                              identity_confirmed=True)
    started = starts_at - dt.timedelta(minutes=5)
    with clock.at(started):
        exam_groups.start_exam(cast.venue_operator, ExamGroup.get_by_id(made.id))
    if started < local_now():  # a past group: «Начать экзамен» was pressed that day, not now
        ExamGroup.update(started_at=utc(started)).where(ExamGroup.id == made.id).execute()
        GroupMember.update(code_issued_at=utc(started)).where((GroupMember.group == made.id)
                                                              & GroupMember.access_code.is_null(False)).execute()
    return ExamGroup.get_by_id(made.id), [GroupMember.get_by_id(m.id) for m in members]


def sign_in(member: GroupMember, at: dt.datetime, station: int):
    """The candidate types the code at station `station` (the code is spent)."""
    session, _token = kiosk.sign_in(member.access_code, f"{STATION_NETWORK}{station}", now=utc(at))
    GroupMember.update(code_used_at=utc(at)).where(GroupMember.id == member.id).execute()
    return session


# --- the theory test ----------------------------------------------------------------------------

def sit_theory(cast: Cast, member: GroupMember, person: Candidate, score: int, at: dt.datetime, minutes: float,
               station: int, *, answered: int | None = None) -> ExamAttempt:
    """Sign in, answer every question (or the first `answered`) with `score` right, finish after `minutes`.

    With `answered` the candidate is still at it when the time runs out: the attempt stays
    open for `nok exam sweep` (`finish_expired`) to finish.
    """
    rng = random.Random(f"nok-demo-theory:{person.email}")
    session = sign_in(member, at, station)
    attempt = attempts.start_attempt(member, cast.plugins, now=utc(at + dt.timedelta(seconds=40)))
    questions = attempt.data["questions"][:answered]
    right = demo_answers.choose_right(questions, score, rng)
    times = demo_answers.answer_times(len(questions), minutes - 2, rng)
    for question, seconds in zip(questions, times):
        value = demo_answers.response(question, question["id"] in right, rng)
        attempts.save_answer(attempt, question["id"], value, now=utc(at + dt.timedelta(seconds=60 + seconds)))
    end = (at + dt.timedelta(minutes=minutes)).replace(microsecond=0)
    if answered is None:
        with cast.clock.at(end):
            attempt = attempts.finish_attempt(attempt, cast.plugins, FinishReason.SUBMITTED, now=utc(end))
        kiosk.sign_out(session, now=utc(end + dt.timedelta(seconds=20)))
    return attempt


def sweep(cast: Cast, at: dt.datetime) -> int:
    """`nok exam sweep` run by cron at `at`: the attempts whose time ran out are finished by the clock."""
    with cast.clock.at(at):
        return attempts.finish_expired(cast.plugins, now=utc(at))


# --- the practical stage ------------------------------------------------------------------------

def sit_practice(cast: Cast, member: GroupMember, person: Candidate, at: dt.datetime, minutes: float,
                 station: int) -> ExamAttempt:
    """Sign in, get the task, hand in the work (a Word document) before the time is up."""
    from plugins.practice_portfolio.station import add_file

    session = sign_in(member, at, station)
    attempt = attempts.start_attempt(member, cast.plugins, now=utc(at + dt.timedelta(seconds=40)))
    handed = (at + dt.timedelta(minutes=minutes)).replace(microsecond=0)
    with cast.clock.at(handed):
        add_file(attempt, cast.blobs, io.BytesIO(result_docx(person, attempt.data["task"])),
                 f"{person.full_name.split()[0]} — {attempt.data['task']['title'][:60]}.docx", now=utc(handed))
    kiosk.sign_out(session, now=utc(handed + dt.timedelta(minutes=1)))
    return attempt


def mark(cast: Cast, attempt: ExamAttempt, quality: float, passes: bool, at: dt.datetime,
         experts: list[User] | None = None) -> ExamAttempt:
    """Each expert marks every criterion (the practice plugin's form); the last sheet scores the attempt."""
    from plugins.practice_portfolio.marking import open_review, save_marks

    rng = random.Random(f"nok-demo-marks:{attempt.member.application_id}")
    criteria = attempt.data["criteria"]
    sheets = demo_answers.commission_marks(criteria, Decimal(str(attempt.data["pass_points"])), len(cast.experts),
                                           quality, passes, rng)
    for n, (expert, sheet) in enumerate(zip(cast.experts, sheets)):
        if experts is not None and expert not in experts:
            continue
        raw = {f"mark-{cid}": f"{points.normalize():f}".replace(".", ",") for cid, points in sheet.items()}
        with cast.clock.at(at + dt.timedelta(minutes=7 * n)):
            attempt = save_marks(open_review(expert, attempt.id), expert.id, raw, {}, cast.plugins)
    return attempt


# --- the commission -----------------------------------------------------------------------------

def decide(cast: Cast, application: Application, verdict: str, at: dt.datetime, *, comment: str | None = None,
           experts: list[User] | None = None) -> Application:
    """Each expert (or those in `experts`) records «Сдал»/«Не сдал» on the expert's results page."""
    for n, expert in enumerate(experts or cast.experts):
        with cast.clock.at(at + dt.timedelta(minutes=3 * n)):
            commission.decide(expert, Application.get_by_id(application.id), verdict, cast.plugins, comment=comment)
    return Application.get_by_id(application.id)


def protocol(cast: Cast, exam_group: ExamGroup, number: str, at: dt.datetime) -> CommissionProtocol:
    """The chair generates the Протокол экспертной комиссии and signs it with every member's facsimile."""
    with cast.clock.at(at):
        commission.generate_protocol(cast.chair, exam_group, number, at.date().isoformat(), cast.blobs)
        return commission.sign_protocol(cast.chair, exam_group, cast.blobs)


def send_to_spk(cast: Cast, application: Application, at: dt.datetime) -> None:
    """«Отправить в СПК» from the ЦОК's results."""
    with cast.clock.at(at):
        commission.send_to_spk(cast.cok_operator, Application.get_by_id(application.id), cast.plugins)
    CommissionResult.update(sent_to_spk_at=utc(at)).where(CommissionResult.application == application.id).execute()


def settle_updated_at(applications: list[Application]) -> None:
    """Each application's «изменено» is its last status change, past days included."""
    for app in applications:
        last = (ApplicationStatusChange.select(peewee.fn.MAX(ApplicationStatusChange.at))
                .where(ApplicationStatusChange.application == app.id).scalar())
        if last is not None:
            Application.update(updated_at=last).where(Application.id == app.id).execute()
