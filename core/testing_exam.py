"""Exam-day test builders shared by the core, plugin and web tests of exam day.

`SMALL_KOS` is a complete `nok-kos/1` document (docs/kos-format.md) with every question type,
a practical task and a portfolio. `ExamDayWorld` makes, directly in the database, what the
flows under test start from: a qualification with that КОС, a certified commission (chair
+ member), and a started theory or practice group whose admitted candidates hold access
codes. The flows themselves (answering, scoring, deciding) go through the services or HTTP.
`CommissionWorld` adds the people and helpers that bring candidates to the commission's decision
(used by the service tests and the expert's cabinet alike).
"""
from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import secrets
from decimal import Decimal
from typing import Any

from core.models import (Admission, Application, CommissionMember, ExamAttempt, ExamGroup, ExpertCertificate,
                         FinishReason, GroupMember, Invoice, Kos, Organisation, OrgKind, ProfStandard, Qualification,
                         QualificationOffer, Role, User)
from core.models.exams import GROUP_PRACTICE, GROUP_THEORY
from core.plugins import BUILTIN_PLUGINS, PluginHost
from core.services import access_codes, attempts
from core.services.applications import change_status
from core.services.scheduling import local_now
from core.workflow import ActorKind, Status


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def _q(qid: str, qtype: str, text: str, **fields: Any) -> dict[str, Any]:
    return {"id": qid, "type": qtype, "text": text, "points": fields.pop("points", 1), **fields}


def _opts(*pairs: tuple[str, str, bool]) -> list[dict[str, Any]]:
    return [{"id": i, "text": t, "correct": c} for i, t, c in pairs]


SMALL_KOS: dict[str, Any] = {
    "format": "nok-kos/1",
    "qualification": "40.05400.01",
    "version": "2026.1",
    "title": "КОС «Специалист по охране труда (6 уровень квалификации)» — учебный",
    "legal_acts": ["Трудовой кодекс Российской Федерации, раздел X «Охрана труда»",
                   "Приказ Минтруда России от 29.10.2021 № 776н «Об утверждении Примерного положения о системе "
                   "управления охраной труда»"],
    "required_documents": ["Документ о высшем образовании",
                           "Документ о стаже работы в области охраны труда не менее 3 лет"],
    "theory": {
        "specification": {"time_limit_minutes": 30, "pass_points": 4,
                          "draw": [{"section": "s1", "count": 3}, {"section": "s2", "count": 3}]},
        "sections": [
            {"id": "s1", "title": "Нормативные правовые акты по охране труда", "questions": [
                _q("s1-q1", "single", "Кто обязан обеспечить безопасные условия и охрану труда?",
                   options=_opts(("a", "Работодатель", True), ("b", "Работник", False),
                                 ("c", "Профсоюз", False))),
                _q("s1-q2", "multiple", "Что относится к средствам индивидуальной защиты?",
                   options=_opts(("a", "Каска", True), ("b", "Респиратор", True), ("c", "Ограждение", False),
                                 ("d", "Вентиляция", False))),
                _q("s1-q3", "number", "Сколько лет действует свидетельство о квалификации специалиста по охране "
                                      "труда?", answer=3, tolerance=0),
                _q("s1-q4", "text", "Как называется документ, который работник подписывает после вводного "
                                    "инструктажа? (одно слово — журнал …)", answers=["регистрации", "журнал регистрации"]),
            ]},
            {"id": "s2", "title": "Оценка профессиональных рисков", "questions": [
                _q("s2-q1", "ordering", "Расположите этапы оценки профессиональных рисков по порядку.",
                   items=[{"id": "a", "text": "Выявление опасностей"}, {"id": "b", "text": "Оценка уровня рисков"},
                          {"id": "c", "text": "Меры по снижению рисков"}]),
                _q("s2-q2", "matching", "Сопоставьте вид инструктажа и когда он проводится.",
                   pairs=[{"id": "p1", "left": "Вводный", "right": "При приёме на работу"},
                          {"id": "p2", "left": "Повторный", "right": "Не реже раза в 6 месяцев"},
                          {"id": "p3", "left": "Внеплановый", "right": "При изменении технологии"}]),
                _q("s2-q3", "single", "Кто утверждает результаты специальной оценки условий труда?",
                   options=_opts(("a", "Работодатель", True), ("b", "Инспекция труда", False))),
                _q("s2-q4", "single", "Допустим ли допуск к работе без обязательного медосмотра?",
                   options=_opts(("a", "Нет", True), ("b", "Да, по решению мастера", False))),
            ]},
        ],
        "samples": [
            _q("demo-1", "single", "Пробный вопрос: кто проводит вводный инструктаж?",
               options=_opts(("a", "Специалист по охране труда", True), ("b", "Бухгалтер", False))),
            _q("demo-2", "number", "Пробный вопрос: сколько месяцев между повторными инструктажами?", answer=6,
               tolerance=0),
        ],
    },
    "practice": {"tasks": [
        {"id": "t1", "title": "Оценка профессиональных рисков на участке сварки",
         "text": "Проведите оценку профессиональных рисков для сварщика ручной дуговой сварки и составьте перечень "
                 "мер по их снижению.",
         "time_limit_minutes": 60, "materials": "Описание участка, карта СОУТ", "pass_points": 5,
         "criteria": [{"id": "c1", "text": "Опасности выявлены полностью", "max_points": 3},
                      {"id": "c2", "text": "Уровни рисков оценены верно", "max_points": 3},
                      {"id": "c3", "text": "Меры по снижению рисков обоснованы", "max_points": 2}]},
    ]},
    "portfolio": {"requirements": "Документы, подтверждающие опыт построения системы управления охраной труда.",
                  "pass_points": 3,
                  "criteria": [{"id": "p1", "text": "Полнота портфолио", "max_points": 3},
                               {"id": "p2", "text": "Защита портфолио", "max_points": 2}]},
}


def kos_document(**overrides: Any) -> dict[str, Any]:
    """A deep copy of `SMALL_KOS` with top-level keys replaced."""
    doc = copy.deepcopy(SMALL_KOS)
    doc.update(overrides)
    return doc


def store_kos(qualification: Qualification, data: dict[str, Any] | None = None) -> Kos:
    """Store a КОС version as the current one, without the importer (its tests check that)."""
    data = copy.deepcopy(data or SMALL_KOS)
    data["qualification"] = qualification.code
    content = json.dumps(data, ensure_ascii=False, sort_keys=True)
    Kos.update(is_current=False).where(Kos.qualification == qualification).execute()
    return Kos.create(qualification=qualification, version=data["version"], title=data["title"], content=content,
                      sha256=hashlib.sha256(content.encode()).hexdigest())


def right_answer(question: dict[str, Any]) -> Any:
    """The response the key of a variant question accepts (docs/kos-format.md)."""
    key = question["key"]
    return {"single": lambda: key["correct"], "multiple": lambda: key["correct"],
            "matching": lambda: key["pairs"], "ordering": lambda: key["order"],
            "text": lambda: key["answers"][0], "number": lambda: str(key["answer"])}[question["type"]]()


def take_theory(member: GroupMember, plugins: PluginHost, *, passed: bool) -> ExamAttempt:
    """The candidate answers everything right (passed) or nothing (failed) and submits."""
    attempt = attempts.start_attempt(member, plugins)
    if passed:
        for question in attempt.data["questions"]:
            attempts.save_answer(attempt, question["id"], right_answer(question))
    return attempts.finish_attempt(attempt, plugins, FinishReason.SUBMITTED)


class ExamDayWorld:
    """A qualification with a КОС and a commission at the ЦОК `cok`, venue `venue` (made by the caller)."""

    def __init__(self, factory, cok: Organisation, venue: Organisation, *, kos: dict[str, Any] | None = None,
                 chair: User | None = None, member: User | None = None):
        self.factory, self.cok, self.venue = factory, cok, venue
        self.spk = cok.parent
        std, _ = ProfStandard.get_or_create(code="40.054", defaults={"name": "Специалист в области охраны труда"})
        self.qual = Qualification.create(spk=self.spk, prof_standard=std, code=f"40.05400.{Qualification.select().count() + 1:02d}",
                                         name="Специалист по охране труда", level=6)
        QualificationOffer.create(cok=cok, qualification=self.qual)
        self.kos = store_kos(self.qual, kos)
        self.chair = self.certify(chair or factory.user(Role.EXPERT, self.spk, full_name="Волков Павел Андреевич"))
        self.expert = self.certify(member or factory.user(Role.EXPERT, self.spk, full_name="Зайцева Ольга Игоревна"))

    def certify(self, expert: User) -> User:
        today = dt.date.today()
        ExpertCertificate.get_or_create(expert=expert, qualification=self.qual, defaults=dict(
            valid_from=today - dt.timedelta(days=30), valid_to=today + dt.timedelta(days=300), protocol_number="7",
            protocol_date=today - dt.timedelta(days=31)))
        return expert

    def application(self, full_name: str, status: Status, applicant: User | None = None) -> Application:
        user = applicant or self.factory.user(Role.APPLICANT, full_name=full_name, phone="+79024314444")
        app = Application.create(applicant=user, cok=self.cok, venue=self.venue, qualification=self.qual,
                                 status=status.value, full_name=full_name, number=f"З-{user.id}")
        Invoice.create(number=f"С-{app.id}", cok=self.cok, application=app, payer_name=full_name,
                       amount=Decimal("9000.00"), contract_number=f"Д-{app.id}", issued_on=dt.date.today(),
                       paid_at=dt.datetime.now())
        return app

    def started_group(self, *names: str, kind: str = GROUP_THEORY, starts_at: dt.datetime | None = None,
                      duration_minutes: int = 120) -> tuple[ExamGroup, list[GroupMember]]:
        """A group that started now (order signed, «Начать экзамен» pressed) with admitted candidates
        holding fresh access codes (``member.access_code``). Theory candidates are «Допущен»,
        practice candidates «Теория сдана»."""
        group = ExamGroup.create(kind=kind, cok=self.cok, venue=self.venue, qualification=self.qual,
                                 starts_at=starts_at or local_now() - dt.timedelta(minutes=5),
                                 duration_minutes=duration_minutes, seats=max(len(names), 1), order_number="1-НОК",
                                 order_date=dt.date.today(), order_signed_at=_utcnow())
        CommissionMember.create(group=group, expert=self.chair, is_chair=True)
        CommissionMember.create(group=group, expert=self.expert, is_chair=False)
        status = Status.ADMITTED if kind == GROUP_THEORY else Status.THEORY_PASSED
        members = [GroupMember.create(group=group, application=self.application(name, status),
                                      admission=Admission.ADMITTED) for name in names]
        group.started_at = _utcnow()  # stored in UTC, as «Начать экзамен» does
        group.save()
        for member in members:
            access_codes.issue_code(member)
        return group, [GroupMember.get_by_id(m.id) for m in members]


class CommissionWorld(ExamDayWorld):
    """ExamDayWorld with helpers that bring candidates to the commission's decision."""

    def __init__(self, factory, *, kos: dict[str, Any] | None = None, plugins: PluginHost | None = None):
        self.spk = factory.org(OrgKind.SPK, full_name="Совет по профессиональным квалификациям в области "
                                                       "безопасности труда", short_name="СПК ОТ")
        cok = factory.org(OrgKind.COK, parent=self.spk, full_name="ООО «Центр оценки квалификаций «Охрана труда»",
                          short_name="ЦОК «Охрана труда»")
        venue = factory.org(OrgKind.VENUE, parent=cok, full_name="Экзаменационный центр «Нижегородский»",
                            short_name="ЭЦ «Нижегородский»", legal_address="109052, г. Москва, Нижегородская ул., "
                                                                             "д. 32, корп. 4")
        super().__init__(factory, cok, venue, kos=kos)
        self.plugins = plugins or PluginHost.with_plugins(BUILTIN_PLUGINS)
        self.admin = factory.user(Role.ADMIN, cok, full_name="Орлов Игорь Петрович")
        self.venue_admin = factory.user(Role.ADMIN, venue)
        other_cok = factory.org(OrgKind.COK, parent=self.spk)
        self.stranger = factory.user(Role.ADMIN, other_cok)
        self.outsider = self.certify(factory.user(Role.EXPERT, self.spk, full_name="Посторонний Эксперт Петрович"))

    def theory(self, *names: str, passed: bool = True):
        """A theory group (yesterday) whose candidates finished the test; returns (group, applications)."""
        group, members = self.started_group(*names, starts_at=local_now() - dt.timedelta(days=1))
        for member in members:
            take_theory(member, self.plugins, passed=passed)
        return group, [GroupMember.get_by_id(m.id).application for m in members]

    def practice(self, applications, *, passed: bool = True, points: str = "6"):
        """A practice group (today) with these theory-passed applications scored by the commission."""
        group, _ = self.started_group(kind=GROUP_PRACTICE)
        for application in applications:
            member = GroupMember.create(group=group, application=application, admission=Admission.ADMITTED)
            content = {"task": {"id": "t1"}, "criteria": [], "pass_points": 5, "max_points": 8}
            ExamAttempt.create(member=member, stage="practice", kos=self.kos, seed=secrets.randbits(40),
                               content=json.dumps(content), finished_at=dt.datetime.now(),
                               finish_reason=FinishReason.SCORED, points=Decimal(points), max_points=Decimal(8),
                               passed=passed)
            change_status(application, Status.PRACTICE_PASSED if passed else Status.PRACTICE_FAILED,
                          ActorKind.EXPERT, self.chair, self.plugins, comment=f"Набрано баллов: {points} из 8")
        return group

    def add_member(self, group, full_name: str):
        expert = self.certify(self.factory.user(Role.EXPERT, self.spk, full_name=full_name))
        CommissionMember.create(group=group, expert=expert, is_chair=False)
        return expert


def theory_only_kos() -> dict[str, Any]:
    """`SMALL_KOS` without a practical part or portfolio: theory alone decides."""
    return kos_document(practice=None, portfolio=None)
