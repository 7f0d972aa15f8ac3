"""The ЦОК after the commission: «Вернуть на доработку» (decide again) and «Отправить в СПК» (payload)."""
import datetime as dt
import json

import pytest
from commission_kit import blobs, world  # noqa: F401 (fixtures)

from core.exceptions import NotFoundError, PermissionDeniedError, ValidationError
from core.models import (ApplicantProfile, Application, CommissionResult, OutgoingMail, SpkSubmission, Verdict)
from core.services import commission, commission_protocol
from core.testing_exam import CommissionWorld
from core.workflow import Status


def fresh(application):
    return Application.get_by_id(application.id)


def decided_practice(world, verdicts=(Verdict.PASSED, Verdict.PASSED)):
    _, (app,) = world.theory("Соколов Дмитрий Олегович")
    group = world.practice([fresh(app)])
    commission.decide(world.chair, fresh(app), verdicts[0], world.plugins)
    commission.decide(world.expert, fresh(app), verdicts[1], world.plugins)
    assert Status(fresh(app).status) is Status.COMMISSION_DECIDED
    return group, fresh(app)


def test_return_goes_back_and_experts_decide_again(world):
    group, app = decided_practice(world)
    with pytest.raises(ValidationError, match="Укажите, что должна доработать") as refused:
        commission.return_for_rework(world.admin, app, "  ", world.plugins)
    assert refused.value.field == "comment"
    mails_before = OutgoingMail.select().count()
    result = commission.return_for_rework(world.admin, app, "Проверьте баллы по критерию c2", world.plugins)
    assert result.returned_at is not None and result.return_comment == "Проверьте баллы по критерию c2"
    assert Status(fresh(app).status) is Status.PRACTICE_PASSED, "статус, из которого выносилось решение"
    letters = list(OutgoingMail.select().where(OutgoingMail.id > 0).order_by(OutgoingMail.id))[mails_before:]
    to = {m.recipient for m in letters}
    assert {world.chair.email, world.expert.email} <= to
    expert_letter = next(m for m in letters if m.recipient == world.expert.email)
    assert "Проверьте баллы по критерию c2" in expert_letter.body and "сохраните решение заново" in expert_letter.body
    view = commission.facts.commission_view(fresh(app))
    assert view.returned and not any(m.current for m in view.members), "прежние решения больше не считаются"
    commission.decide(world.chair, fresh(app), Verdict.FAILED, world.plugins)
    assert Status(fresh(app).status) is Status.PRACTICE_PASSED
    commission.decide(world.expert, fresh(app), Verdict.FAILED, world.plugins)
    result = CommissionResult.get()
    assert result.verdict == Verdict.FAILED and result.returned_at is None
    assert Status(fresh(app).status) is Status.COMMISSION_DECIDED


def test_centre_actions_check_who_and_when(world):
    _, (pending,) = world.theory("Белова Анна Сергеевна", passed=False)
    with pytest.raises(ValidationError, match="Теория не сдана"):
        commission.send_to_spk(world.admin, fresh(pending), world.plugins)
    group, app = decided_practice(world)
    with pytest.raises(NotFoundError):
        commission.return_for_rework(world.stranger, app, "Чужой ЦОК", world.plugins)
    with pytest.raises(NotFoundError):
        commission.send_to_spk(world.stranger, app, world.plugins)
    with pytest.raises(PermissionDeniedError, match="сотрудникам ЦОК"):
        commission.send_to_spk(world.chair, app, world.plugins)
    assert Status(fresh(app).status) is Status.COMMISSION_DECIDED and not SpkSubmission.select().exists()


def test_send_to_spk_writes_the_snapshot(world, blobs):
    group, app = decided_practice(world, (Verdict.PASSED, Verdict.FAILED))
    ApplicantProfile.create(user=app.applicant, last_name="Соколов", first_name="Дмитрий", middle_name="Олегович",
                            birth_date=dt.date(1988, 4, 12), snils="11223344595")
    commission_protocol.generate_protocol(world.chair, group, "5-ЭК", dt.date.today().isoformat(), blobs)
    submission = commission.send_to_spk(world.venue_admin, app, world.plugins)
    assert submission.sent_at is None and submission.queued_by_id == world.venue_admin.id
    assert Status(fresh(app).status) is Status.SENT_TO_SPK
    assert CommissionResult.get().sent_to_spk_at is not None
    data = json.loads(submission.payload)
    assert data["application"]["number"] == app.number
    assert data["applicant"] == {"full_name": "Соколов Дмитрий Олегович", "snils": "11223344595",
                                 "birth_date": "1988-04-12"}
    assert data["qualification"]["code"] == world.qual.code and data["qualification"]["level"] == 6
    assert data["cok"]["full_name"] == world.cok.full_name and data["venue"]["short_name"] == world.venue.short_name
    stages = {s["stage"]: s for s in data["stages"]}
    assert stages["theory"]["passed"] is True and stages["theory"]["points"] == stages["theory"]["max_points"]
    assert stages["practice"] == {**stages["practice"], "points": "6", "max_points": "8", "pass_points": "5",
                                  "passed": True}
    assert len(data["exam_dates"]) == 2
    experts = {e["name"]: e["verdict"] for e in data["experts"]}
    assert experts == {world.chair.full_name: "passed", world.expert.full_name: "failed"}
    assert data["commission"]["verdict"] == "passed" and data["commission"]["title"] == "Сдал", "голос председателя"
    assert data["protocol"] == {"number": "5-ЭК", "date": dt.date.today().isoformat(), "signed": False}
    with pytest.raises(ValidationError, match="Передано в СПК"):
        commission.send_to_spk(world.admin, fresh(app), world.plugins)
    with pytest.raises(ValidationError, match="уже переданы в СПК"):
        commission.decide(world.chair, fresh(app), Verdict.FAILED, world.plugins)


def test_decide_return_and_send_on_both_databases(db, factory):
    world = CommissionWorld(factory)
    group, app = decided_practice(world, (Verdict.FAILED, Verdict.PASSED))
    assert CommissionResult.get().verdict == Verdict.FAILED, "голос председателя при равенстве"
    commission.return_for_rework(world.admin, app, "Пересмотрите решение", world.plugins)
    commission.decide(world.chair, fresh(app), Verdict.PASSED, world.plugins)
    commission.decide(world.expert, fresh(app), Verdict.PASSED, world.plugins)
    commission.send_to_spk(world.admin, fresh(app), world.plugins)
    assert Status(fresh(app).status) is Status.SENT_TO_SPK
    assert json.loads(SpkSubmission.get().payload)["commission"]["verdict"] == Verdict.PASSED
    rows, total = commission.results_for_expert(world.expert, commission.ResultFilter(name="Соколов"), 1)
    assert total == 1 and rows[0].group.id == group.id
