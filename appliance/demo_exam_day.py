"""Демо экзаменационного дня: three exams of «Специалист по охране труда (6 уровень)» at one venue.

`nok demo` loads them after the organisations and the КОС, so every exam-day page has real
data right after `make run` (ООО «ЦОК «Охрана труда», ЭЦ «Нижегородская», commission of
Григорьев В. С. — chair — and Тихонова Л. А.):

- **a week ago** — theory for 15 candidates (11 pass, 4 fail), practice the next working day
  for the 11 (one fails), the commission's decisions, the practice group's protocol generated
  and signed, every result sent to the СПК («Передано в СПК»);
- **the last working day** — theory for 5: three pass, one fails, one is still answering
  when the time runs out (finished by `nok exam sweep`); practice in the afternoon for two of
  the passed: one marked by both experts and decided «Сдал» — ready for «Отправить в СПК», one
  marked by one expert so far; the failed one decided «Не сдал»; the timed-out one decided by
  the member and waiting for the chair;
- **today** — theory starting within the hour: applicant1@demo.nok and three more admitted,
  order signed, exam started, so the printed access codes work at /kiosk at once; a fifth
  candidate waits for admission.

Twenty finished tests give the «Аналитика КОС» page its numbers. Who passes is set here; the
answers themselves come from `appliance.demo_answers`.
"""
from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

from appliance import demo_exam_steps as steps
from appliance.demo_candidates import LAST_DAY, TODAY, WEEK_AGO, Candidate, signature_data_url
from core.kos.demo.labour_safety import QUALIFICATION_CODE
from core.models import Application, ExamAttempt, ExamGroup, GroupMember, Organisation, Qualification, User, Verdict
from core.models.exams import GROUP_PRACTICE, GROUP_THEORY
from core.services import facsimile, kiosk, organisations
from core.services.scheduling import local_now
from core.workflow import Status

if TYPE_CHECKING:
    from core.context import Services

COK_EMAIL, COK_OPERATOR, VENUE_OPERATOR = "admin@cok1.demo.nok", "operator@cok1.demo.nok", "operator@venue1.demo.nok"
CHAIR, MEMBER = "expert1@spk.demo.nok", "expert2@spk.demo.nok"
TODAY_APPLICANT = "applicant1@demo.nok"
PASS_POINTS = 28  # of 40 in the demo КОС
# Theory scores (of 40) of `WEEK_AGO`, in order; and who of them fails the practical task.
WEEK_AGO_SCORES = (34, 29, 37, 24, 31, 28, 33, 21, 36, 30, 27, 32, 35, 26, 31)
WEEK_AGO_PRACTICE_FAILS = frozenset({"ershova.nv@demo.nok"})
# `LAST_DAY`: Родионова, Семёнов, Тарасова pass; Ульянов fails; Филиппов answers 29 questions and runs out of time.
LAST_DAY_SCORES = (35, 30, 31, 19, 22)
TIMED_OUT_ANSWERED = 29
TODAY_ORDER = "27-НОК"


def working_day(day: dt.date, step: int) -> dt.date:
    """The working day (Mon–Fri) `step` working days after `day` (before it when negative)."""
    direction = 1 if step > 0 else -1
    for _ in range(abs(step)):
        day += dt.timedelta(days=direction)
        while day.weekday() >= 5:
            day += dt.timedelta(days=direction)
    return day


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def cast_for(services: "Services") -> steps.Cast | None:
    """The demo's ЦОК, venue, qualification and people; None when the exam types are off."""
    if not {"theory", "practice"} <= set(services.plugins.exam_types()):
        return None
    users = {u.email: u for u in User.select().where(User.email.in_([COK_EMAIL, COK_OPERATOR, VENUE_OPERATOR,
                                                                      CHAIR, MEMBER]))}
    operator = users[COK_OPERATOR]
    keys = {"cok": operator.organisation, "venue": users[VENUE_OPERATOR].organisation,
            "qualification": Qualification.get(Qualification.code == QUALIFICATION_CODE)}
    return steps.Cast(services, keys, operator, users[VENUE_OPERATOR], users[CHAIR], users[MEMBER], steps.Clock())


def draw_signatures(cast: steps.Cast) -> None:
    """Facsimiles drawn on «Ваша подпись»: both experts, the ЦОК (orders) and the СПК chair."""
    for expert in cast.experts:
        facsimile.save_user_facsimile(expert, cast.blobs, signature_data_url(expert.full_name))
    for org in Organisation.select().where(Organisation.kind.in_(["spk", "cok"])):
        admin = User.get((User.organisation == org.id) & (User.role == "admin"))
        organisations.save_facsimile(admin, org, cast.blobs, signature_data_url(org.signer_name or org.chair_name))


def load_exam_day(services: "Services") -> bool:
    """Load the three exams (inside the caller's transaction); False when the exam plugins are off."""
    cast = cast_for(services)
    if cast is None:
        return False
    draw_signatures(cast)
    now = local_now()
    last_day = working_day(now.date(), -1)
    week_day = last_day - dt.timedelta(days=7)
    apps = week_ago(cast, week_day) + last_working_day(cast, last_day) + today(cast, now)
    steps.settle_updated_at(apps)
    cast.clock.stamp(None)  # the letters of today's steps count as delivered too
    return True


def _theory(cast: steps.Cast, people: list[Candidate], scores, day: dt.date, order: str):
    """Applications, the 10:00 group and everybody's test; returns (group, applications, attempts)."""
    apps = [steps.application(cast, person, day) for person in people]
    group, members = steps.group(cast, GROUP_THEORY, _at(day, 10), apps, order)
    done = []
    for n, (member, person, score) in enumerate(zip(members, people, scores)):
        if score is not None:
            rng = random.Random(f"nok-demo-sitting:{person.email}")
            done.append(steps.sit_theory(cast, member, person, score, _arrival(day, n), rng.uniform(38, 84), n + 1))
    return group, apps, done


def _arrival(day: dt.date, n: int) -> dt.datetime:
    """When the n-th candidate of a 10:00 group types their code: one after another from 10:01."""
    return _at(day, 10, 1) + dt.timedelta(seconds=35 * n + random.Random(f"nok-demo-arrival:{day}:{n}").randint(0, 25))


def _failed_comment(attempt: ExamAttempt) -> str:
    return (f"Теоретический этап не сдан: {attempt.points.normalize():f} из {attempt.max_points.normalize():f} "
            f"баллов при пороге {PASS_POINTS}.")


def week_ago(cast: steps.Cast, day: dt.date) -> list[Application]:
    """The whole way: theory, practice, decisions, the protocol, «Отправить в СПК»."""
    _group, apps, done = _theory(cast, WEEK_AGO, WEEK_AGO_SCORES, day, "21-НОК")
    passed = [(a, p) for a, p in zip(apps, WEEK_AGO) if Application.get_by_id(a.id).status == Status.THEORY_PASSED]
    for app, attempt in zip(apps, done):
        if not attempt.passed:
            steps.decide(cast, app, Verdict.FAILED, _at(day, 15), comment=_failed_comment(attempt))
    practice_day = working_day(day, 1)
    practice, members = steps.group(cast, GROUP_PRACTICE, _at(practice_day, 10), [a for a, _ in passed], "22-НОК",
                                    duration_minutes=180)
    for n, (member, (app, person)) in enumerate(zip(members, passed)):
        rng = random.Random(f"nok-demo-practice:{person.email}")
        arrival = _at(practice_day, 10, 2) + dt.timedelta(seconds=30 * n)
        attempt = steps.sit_practice(cast, member, person, arrival, rng.uniform(60, 85), n + 1)
        fails = person.email in WEEK_AGO_PRACTICE_FAILS
        steps.mark(cast, attempt, 0.42 if fails else rng.uniform(0.72, 0.95), not fails,
                   _at(practice_day, 13, 0) + dt.timedelta(minutes=12 * n))
        steps.decide(cast, app, Verdict.FAILED if fails else Verdict.PASSED,
                     _at(practice_day, 16, 30) + dt.timedelta(minutes=4 * n),
                     comment="Практическое задание выполнено не полностью: риски оценены без обоснования."
                     if fails else None)
    steps.protocol(cast, practice, "15-ЭК", _at(practice_day, 17, 30))
    sent = working_day(practice_day, 1)
    for n, app in enumerate(apps):
        steps.send_to_spk(cast, app, _at(sent, 11) + dt.timedelta(minutes=2 * n))
    return apps


def last_working_day(cast: steps.Cast, day: dt.date) -> list[Application]:
    """Exam day in progress: results in, practice half-marked, decisions half-made."""
    scores = LAST_DAY_SCORES[:-1] + (None,)
    group, apps, done = _theory(cast, LAST_DAY, scores, day, "25-НОК")
    late = GroupMember.get((GroupMember.group == group.id) & (GroupMember.application == apps[-1].id))
    start = _arrival(day, len(apps) - 1)
    steps.sit_theory(cast, late, LAST_DAY[-1], LAST_DAY_SCORES[-1], start, 88, len(apps), answered=TIMED_OUT_ANSWERED)
    steps.sweep(cast, start + dt.timedelta(minutes=92))  # the cron job after the deadline
    rodionova, semenov, _tarasova, ulyanov, filippov = apps
    steps.decide(cast, ulyanov, Verdict.FAILED, _at(day, 12, 30), comment=_failed_comment(done[3]))
    timed_out = ExamAttempt.get(ExamAttempt.member == late.id)
    steps.decide(cast, filippov, Verdict.FAILED, _at(day, 12, 40), comment=_failed_comment(timed_out),
                 experts=[cast.member])
    practice, members = steps.group(cast, GROUP_PRACTICE, _at(day, 14), [rodionova, semenov], "26-НОК",
                                    duration_minutes=180)
    first = steps.sit_practice(cast, members[0], LAST_DAY[0], _at(day, 14, 5), 74, 1)
    second = steps.sit_practice(cast, members[1], LAST_DAY[1], _at(day, 14, 5), 81, 2)
    steps.mark(cast, first, 0.88, True, _at(day, 16, 20))
    steps.mark(cast, second, 0.8, True, _at(day, 16, 45), experts=[cast.member])
    steps.decide(cast, rodionova, Verdict.PASSED, _at(day, 17, 10))
    return apps


def today(cast: steps.Cast, now: dt.datetime) -> list[Application]:
    """Theory within the hour: four admitted with codes, one not yet admitted."""
    starts = (now + dt.timedelta(minutes=30)).replace(second=0, microsecond=0)
    starts -= dt.timedelta(minutes=starts.minute % 5)
    applicant = User.get(User.email == TODAY_APPLICANT)
    people = [Candidate(applicant.full_name, applicant.email, applicant.phone or "")] + TODAY
    apps = [steps.application(cast, people[0], starts.date(), applicant=applicant)]
    apps += [steps.application(cast, person, starts.date()) for person in people[1:]]
    steps.group(cast, GROUP_THEORY, starts, apps, TODAY_ORDER, admit=len(apps) - 1)
    return apps


# --- what `nok demo` prints --------------------------------------------------------------------

def today_group() -> ExamGroup | None:
    """Today's demo theory group (the one with the order `TODAY_ORDER`)."""
    return (ExamGroup.select().where((ExamGroup.order_number == TODAY_ORDER) & (ExamGroup.kind == GROUP_THEORY))
            .order_by(ExamGroup.id.desc()).first())


def _when(moment: dt.datetime) -> str:
    """«сегодня в 14:35», or the date when `nok demo` is run again on another day."""
    day = "сегодня" if moment.date() == local_now().date() else f"{moment:%d.%m.%Y}"
    return f"{day} в {moment:%H:%M}"


def notes(base_url: str) -> list[str]:
    """Where to look on exam day, and one access code to try the station with while it works."""
    group = today_group()
    if group is None:
        return ["Экзаменационный день в демо-данных не загружен: включите модули theory_exam и practice_portfolio "
                "(«nok plugins enable») и загрузите демо-данные в новую базу."]
    base = base_url.rstrip("/")
    lines = [f"Экзаменационный день ({group.cok.short_name}, {group.venue.short_name}, "
             f"«{group.qualification.title}»):",
             f"  • теория {_when(group.starts_at)} — экзамен начат, коды доступа: кабинет ЦОК → «Теория» → группа → "
             "«Печать кодов доступа»;",
             "  • прошедшие экзамены — ведомости, «Результаты экзаменов», решения экспертной комиссии "
             "(кабинет Эксперта), «Аналитика КОС»."]
    member = (GroupMember.select().join(Application).join(User, on=Application.applicant)
              .where((GroupMember.group == group.id) & (User.email == TODAY_APPLICANT)).first())
    if not kiosk.is_open(group):
        lines.append("Время экзамена этой группы прошло, коды больше не действуют: создайте новую группу в разделе "
                     "«Теория» или загрузите демо-данные в новую базу (удалите каталог var и выполните make run).")
    elif member is not None and member.access_code and member.code_used_at is None:
        lines.append(f"Попробуйте рабочее место экзамена: {base}/kiosk, код доступа {member.access_code} "
                     f"({member.application.full_name}).")
    else:
        lines.append(f"Рабочее место экзамена: {base}/kiosk. Напечатанный ранее код уже использован: новый выдаёт "
                     "кнопка «Выдать новый код» на странице группы.")
    return lines
