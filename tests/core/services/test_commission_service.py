"""Решение экспертной комиссии: majority, the chair's casting vote, the chair deciding for others, refusals."""
import datetime as dt

import pytest
from commission_kit import world  # noqa: F401 (fixture)

from core.exceptions import NotFoundError, PermissionDeniedError, ValidationError
from core.models import Application, ApplicationStatusChange, CommissionResult, ExpertDecision, Verdict
from core.services import commission
from core.testing_exam import CommissionWorld, theory_only_kos
from core.workflow import Status


def fresh(application):
    return Application.get_by_id(application.id)


def test_deciding_group_and_readiness(world):
    _, (passed,) = world.theory("Соколов Дмитрий Олегович")
    theory_group, (failed,) = world.theory("Белова Анна Сергеевна", passed=False)
    failed_app = fresh(failed)
    assert Status(failed_app.status) is Status.THEORY_FAILED
    assert commission.deciding_group(failed_app).id == theory_group.id
    assert commission.ready_for_decision(failed_app)
    passed_app = fresh(passed)
    assert Status(passed_app.status) is Status.THEORY_PASSED
    assert not commission.ready_for_decision(passed_app), "в КОС есть практика: решение после неё"
    practice_group = world.practice([passed_app])
    assert commission.deciding_group(fresh(passed)).id == practice_group.id
    assert commission.ready_for_decision(fresh(passed))


def test_theory_only_kos_is_decided_after_theory(sqlcipher_db, factory):
    world = CommissionWorld(factory, kos=theory_only_kos())
    _, (app,) = world.theory("Соколов Дмитрий Олегович")
    assert Status(fresh(app).status) is Status.THEORY_PASSED and commission.ready_for_decision(fresh(app))


def test_majority_decides_and_moves_the_application(world):
    group, (app,) = world.theory("Белова Анна Сергеевна", passed=False)
    third = world.add_member(group, "Яковлев Семён Ильич")
    commission.decide(world.chair, fresh(app), Verdict.PASSED, world.plugins, comment="Почти справилась")
    commission.decide(world.expert, fresh(app), Verdict.FAILED, world.plugins)
    assert Status(fresh(app).status) is Status.THEORY_FAILED and not CommissionResult.select().exists()
    commission.decide(third, fresh(app), Verdict.FAILED, world.plugins)
    result = CommissionResult.get()
    assert result.verdict == Verdict.FAILED and result.group_id == group.id
    assert Status(fresh(app).status) is Status.COMMISSION_DECIDED
    change = ApplicationStatusChange.select().order_by(ApplicationStatusChange.id.desc()).first()
    assert change.comment == "Решение экспертной комиссии: Не сдал"
    assert ExpertDecision.get(ExpertDecision.expert == world.chair.id).comment == "Почти справилась"


def test_tie_is_broken_by_the_chair(world):
    _, (app,) = world.theory("Белова Анна Сергеевна", passed=False)
    commission.decide(world.expert, fresh(app), Verdict.FAILED, world.plugins)
    commission.decide(world.chair, fresh(app), Verdict.PASSED, world.plugins)
    assert CommissionResult.get().verdict == Verdict.PASSED


def test_chair_sets_decisions_for_members_but_a_member_cannot(world):
    _, (app,) = world.theory("Белова Анна Сергеевна", passed=False)
    with pytest.raises(PermissionDeniedError, match="только председатель"):
        commission.decide(world.expert, fresh(app), Verdict.PASSED, world.plugins, for_expert=world.chair)
    decision = commission.decide(world.chair, fresh(app), Verdict.FAILED, world.plugins, for_expert=world.expert)
    assert decision.expert_id == world.expert.id and decision.set_by_id == world.chair.id
    with pytest.raises(ValidationError, match="не входит в экспертную комиссию"):
        commission.decide(world.chair, fresh(app), Verdict.FAILED, world.plugins, for_expert=world.outsider)
    commission.decide_all(world.chair, fresh(app), {world.chair.id: Verdict.FAILED,
                                                   world.expert.id: Verdict.FAILED}, world.plugins)
    assert CommissionResult.get().verdict == Verdict.FAILED


def test_refusals_are_russian(world):
    _, (app, waiting) = world.theory("Белова Анна Сергеевна", "Соколов Дмитрий Олегович", passed=False)
    with pytest.raises(NotFoundError):
        commission.decide(world.outsider, fresh(app), Verdict.PASSED, world.plugins)
    with pytest.raises(ValidationError, match="Выберите решение"):
        commission.decide(world.chair, fresh(app), "maybe", world.plugins)
    commission.decide(world.chair, fresh(app), Verdict.NONE, world.plugins)
    assert ExpertDecision.get().verdict == Verdict.NONE
    commission.decide(world.chair, fresh(app), Verdict.PASSED, world.plugins)
    commission.decide(world.expert, fresh(app), Verdict.PASSED, world.plugins)
    with pytest.raises(ValidationError, match="уже вынесено"):
        commission.decide(world.expert, fresh(app), Verdict.FAILED, world.plugins)
    _, (not_yet,) = world.theory("Зуев Артём Павлович", passed=True)  # practice still to come
    with pytest.raises(ValidationError, match="Решение выносится"):
        commission.decide(world.chair, fresh(not_yet), Verdict.PASSED, world.plugins)
    with pytest.raises(NotFoundError):  # no group at all
        commission.decide(world.chair, world.application("Без Группы Иван", Status.ADMITTED), "passed", world.plugins)
    assert Status(fresh(waiting).status) is Status.THEORY_FAILED


def test_results_for_expert_filters_and_follows_the_deciding_stage(world):
    _, (sokolov, belova) = world.theory("Соколов Дмитрий Олегович", "Белова Анна Сергеевна")
    flt = commission.ResultFilter
    rows, total = commission.results_for_expert(world.expert, flt(), 1)
    assert total == 2 and {r.exam_kind for r in rows} == {"Теоретический"}
    world.practice([fresh(sokolov)])
    rows, total = commission.results_for_expert(world.expert, flt(), 1)
    assert total == 2 and sorted(r.exam_kind for r in rows) == ["Практический", "Теоретический"]
    assert rows[0].application.id == sokolov.id, "новые экзамены первыми"
    assert commission.results_for_expert(world.expert, flt(name="Белова"), 1)[1] == 1
    assert commission.results_for_expert(world.expert, flt(status=Status.PRACTICE_PASSED.value), 1)[1] == 1
    day = rows[0].group.starts_at.date()
    assert commission.results_for_expert(world.expert, flt(date_from=day, date_to=day), 1)[1] == 1
    assert commission.results_for_expert(world.expert, flt(date_to=day - dt.timedelta(days=1)), 1)[1] == 1
    assert commission.results_for_expert(world.expert, flt(date_from=day.replace(year=day.year + 1)), 1)[1] == 0
    assert commission.results_for_expert(world.outsider, flt(), 1) == ([], 0)
    commission.decide(world.expert, fresh(sokolov), Verdict.PASSED, world.plugins)
    own = {r.application.id: r.own_verdict for r in commission.results_for_expert(world.expert, flt(), 1)[0]}
    assert own == {sokolov.id: Verdict.PASSED, belova.id: Verdict.NONE}
