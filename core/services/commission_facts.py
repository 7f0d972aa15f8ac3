"""What the expert commission decides on, read from the database: stages, commission, decisions.

Read-only helpers shared by the decisions (`core.services.commission`), the protocol
(`core.services.commission_protocol`), the expert's pages and the ЦОК's «Результаты
экзаменов». The commission that decides is the one of the candidate's practice group when
there is a practice (or portfolio) attempt, else of the theory group: the last stage held
is where the whole result is known.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Iterable

from core.exceptions import NotFoundError
from core.models import (Application, CommissionMember, CommissionResult, ExamAttempt, ExamGroup, ExpertDecision,
                         GroupMember, User, Verdict)
from core.models.exams import GROUP_THEORY
from core.services.attempts import PORTFOLIO, PRACTICE, THEORY
from core.workflow import Status

if TYPE_CHECKING:
    from core.plugins import PluginHost

PRACTICAL_STAGES = (PRACTICE, PORTFOLIO)
STAGE_TITLES = {THEORY: "Теоретический этап", PRACTICE: "Практический этап", PORTFOLIO: "Защита портфолио"}
EXAM_KIND_TITLES = {THEORY: "Теоретический", PRACTICE: "Практический", PORTFOLIO: "Практический"}
# Statuses in which the stage results are in and the commission may decide.
READY_STATUSES = frozenset({Status.THEORY_FAILED, Status.PRACTICE_PASSED, Status.PRACTICE_FAILED})


# --- stages -------------------------------------------------------------------------------------

def stage_attempts_many(application_ids: Iterable[int]) -> dict[int, dict[str, ExamAttempt]]:
    """Attempts by stage of each application (the latest one per stage), in one query."""
    ids = list(application_ids)
    out: dict[int, dict[str, ExamAttempt]] = {i: {} for i in ids}
    if not ids:
        return out
    rows = (ExamAttempt.select(ExamAttempt, GroupMember, ExamGroup).join(GroupMember).join(ExamGroup)
            .where(GroupMember.application.in_(ids)).order_by(ExamAttempt.started_at, ExamAttempt.id))
    for attempt in rows:
        out[attempt.member.application_id][attempt.stage] = attempt
    return out


def stage_attempts(application: Application) -> dict[str, ExamAttempt]:
    return stage_attempts_many([application.id])[application.id]


def deciding_attempt(by_stage: dict[str, ExamAttempt]) -> ExamAttempt | None:
    """The practical stage's attempt if there is one, else the theory's."""
    return next((by_stage[s] for s in PRACTICAL_STAGES if s in by_stage), None) or by_stage.get(THEORY)


def deciding_group(application: Application) -> ExamGroup | None:
    """The group whose commission decides: the practice group if practised, else the theory group."""
    attempt = deciding_attempt(stage_attempts(application))
    if attempt is not None:
        return attempt.member.group
    member = (GroupMember.select(GroupMember, ExamGroup).join(ExamGroup)
              .where((GroupMember.application == application.id) & (ExamGroup.kind == GROUP_THEORY))
              .order_by(ExamGroup.starts_at.desc(), GroupMember.id.desc()).first())
    return member.group if member else None


def has_practical_part(kos_data: dict) -> bool:
    """Whether the КОС has practical tasks or a portfolio (then theory alone decides nothing)."""
    practice = kos_data.get("practice") or {}
    return bool(practice.get("tasks")) or bool(kos_data.get("portfolio"))


def ready_for_decision(application: Application) -> bool:
    """The stage results are in: theory failed, practice done, or theory passed with nothing after it."""
    status = Status(application.status)
    if status in READY_STATUSES:
        return True
    if status is Status.THEORY_PASSED:
        theory = stage_attempts(application).get(THEORY)
        return theory is not None and not has_practical_part(theory.kos.data)
    return False


@dataclass(frozen=True)
class StageResult:
    """One stage as the expert and the ЦОК see it: points, threshold, pass, where the answers are."""

    attempt: ExamAttempt
    title: str
    points: Decimal | None
    max_points: Decimal | None
    pass_points: Decimal | None
    passed: bool | None
    review_url: str | None

    @property
    def stage(self) -> str:
        return self.attempt.stage

    @property
    def group(self) -> ExamGroup:
        return self.attempt.member.group

    @property
    def finished(self) -> bool:
        return self.attempt.finished_at is not None

    @property
    def result_title(self) -> str:
        if not self.finished or self.passed is None:
            return "Не завершён"
        return "Сдан" if self.passed else "Не сдан"


def number(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def show_number(value: Decimal | None) -> str:
    """«5», «7,5»; «—» when there is no value."""
    return "—" if value is None else f"{value.normalize():f}".replace(".", ",")


def stage_results(application: Application, plugins: "PluginHost | None" = None) -> list[StageResult]:
    """Every stage of the application, theory first; `review_url` from the exam type's `review_path`."""
    types = plugins.exam_types() if plugins is not None else {}
    by_stage = stage_attempts(application)
    results = []
    for stage in (THEORY, *PRACTICAL_STAGES):
        attempt = by_stage.get(stage)
        if attempt is None:
            continue
        provider = types.get(stage)
        path = getattr(provider, "review_path", None)
        results.append(StageResult(
            attempt=attempt, title=getattr(provider, "title", None) or STAGE_TITLES.get(stage, stage),
            points=number(attempt.points), max_points=number(attempt.max_points),
            pass_points=number(attempt.data.get("pass_points")), passed=attempt.passed,
            review_url=path.format(attempt_id=attempt.id) if path else None))
    return results


# --- the commission and its decisions ------------------------------------------------------------

def commission_of(group: ExamGroup | int) -> list[CommissionMember]:
    """The commission, chair first, then by name, experts loaded in the same query."""
    return list(CommissionMember.select(CommissionMember, User).join(User, on=CommissionMember.expert)
                .where(CommissionMember.group == group)
                .order_by(CommissionMember.is_chair.desc(), User.full_name, User.id))


def membership(expert: User, group: ExamGroup | int) -> CommissionMember | None:
    return CommissionMember.get_or_none((CommissionMember.group == group) & (CommissionMember.expert == expert.id))


def is_current(decision: ExpertDecision | None, result: CommissionResult | None) -> bool:
    """A decision counts when it is «Сдал»/«Не сдал» and was saved after the last return."""
    if decision is None or decision.verdict not in (Verdict.PASSED, Verdict.FAILED):
        return False
    return result is None or result.returned_at is None or decision.saved_at > result.returned_at


@dataclass
class MemberDecision:
    member: CommissionMember
    decision: ExpertDecision | None
    current: bool

    @property
    def expert(self) -> User:
        return self.member.expert

    @property
    def verdict(self) -> str:
        return self.decision.verdict if self.decision else Verdict.NONE

    @property
    def verdict_title(self) -> str:
        return Verdict.TITLES.get(self.verdict, self.verdict) if self.current else Verdict.TITLES[Verdict.NONE]


@dataclass
class CommissionView:
    """The deciding commission of one application with each member's decision and the result."""

    application: Application
    group: ExamGroup
    members: list[MemberDecision] = field(default_factory=list)
    result: CommissionResult | None = None

    @property
    def chair(self) -> MemberDecision | None:
        return next((m for m in self.members if m.member.is_chair), None)

    @property
    def returned(self) -> bool:
        return self.result is not None and self.result.returned_at is not None

    @property
    def decided(self) -> bool:
        return self.result is not None and self.result.returned_at is None

    def of(self, expert: User | int) -> MemberDecision | None:
        expert_id = getattr(expert, "id", expert)
        return next((m for m in self.members if m.member.expert_id == expert_id), None)

    def verdict(self) -> str | None:
        """Majority of current decisions, the chair's vote deciding a tie; None until all have decided."""
        if not self.members or not all(m.current for m in self.members):
            return None
        passed = sum(m.verdict == Verdict.PASSED for m in self.members)
        failed = len(self.members) - passed
        if passed != failed:
            return Verdict.PASSED if passed > failed else Verdict.FAILED
        chair = self.chair
        return chair.verdict if chair else None


def commission_view(application: Application, group: ExamGroup | None = None) -> CommissionView | None:
    """The view of the deciding commission (or of `group`); None when the candidate is in no group."""
    group = group or deciding_group(application)
    if group is None:
        return None
    result = CommissionResult.get_or_none(CommissionResult.application == application.id)
    decisions = {d.expert_id: d for d in ExpertDecision.select().where(ExpertDecision.application == application.id)}
    members = [MemberDecision(m, decisions.get(m.expert_id), is_current(decisions.get(m.expert_id), result))
               for m in commission_of(group)]
    return CommissionView(application, group, members, result)


def expert_application(expert: User, application_id: int) -> tuple[Application, ExamGroup]:
    """The application and its deciding group if `expert` sits on that commission, else «not found»."""
    application = Application.get_or_none(Application.id == application_id)
    group = deciding_group(application) if application is not None else None
    if group is None or membership(expert, group) is None:
        raise NotFoundError("Результат экзамена не найден.")
    return application, group
