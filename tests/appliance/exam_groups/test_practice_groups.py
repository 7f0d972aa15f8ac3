"""Practice groups through HTTP: theory-passed candidates join, are admitted and leave without a status change."""
import re

import pytest
from exam_world import facsimile_png, setup  # noqa: F401 (fixtures)

from core.audit import AuditRecord
from core.models import Application, ApplicationStatusChange, ExamGroup, GroupMember, OrgKind, OutgoingMail
from core.workflow import Status

CODE_RE = re.compile(r'data-testid="code">([^<]+)<')


def _history(app) -> list[str]:
    return [c.to_status for c in ApplicationStatusChange.select().where(ApplicationStatusChange.application == app.id)]


def _audited(action, app) -> bool:
    return AuditRecord.select().where((AuditRecord.action == action) & (AuditRecord.entity == "application")
                                      & (AuditRecord.entity_id == str(app.id))).exists()


def test_assign_page_lists_theory_passed_not_in_another_practice_group(setup, cok_web):
    group, other = setup.group(kind="practice"), setup.group(kind="practice")
    passed = setup.applicant("Соколов Дмитрий Олегович", status=Status.THEORY_PASSED)
    setup.applicant("Теоретиков Павел Ильич", status=Status.ADMITTED)
    setup.applicant("Ожидаев Олег Олегович")  # paid, waiting for a date: a theory candidate
    taken = setup.applicant("Занятова Анна Сергеевна", status=Status.THEORY_PASSED)
    setup.assign(other, "Другая Ирина Петровна", status=Status.THEORY_PASSED)
    cok_web.get("/cabinet/cok/practice")
    joined = cok_web.post(f"/cabinet/cok/practice/{other.id}/assign", {"application_id": str(taken.id)})
    assert joined.status_code == 303
    page = cok_web.get(f"/cabinet/cok/practice/{group.id}/assign")
    assert page.status_code == 200 and "Соколов Дмитрий Олегович" in page.text
    assert "«Теория сдана»" in page.text and "ожидающие даты экзамена" not in page.text
    for name in ("Теоретиков", "Ожидаев", "Занятова", "Другая"):
        assert name not in page.text
    done = cok_web.post(f"/cabinet/cok/practice/{group.id}/assign", {"application_id": str(passed.id)})
    assert done.status_code == 303
    assert Application.get_by_id(passed.id).status == Status.THEORY_PASSED.value
    assert _history(passed) == [] and _audited("practice_group_assigned", passed)
    assert GroupMember.get(GroupMember.application == passed.id).group_id == group.id
    again = cok_web.post(f"/cabinet/cok/practice/{group.id}/assign", {"application_id": str(passed.id)})
    assert again.status_code == 422 and "уже включён в эту группу" in again.text
    busy = cok_web.post(f"/cabinet/cok/practice/{group.id}/assign", {"application_id": str(taken.id)})
    assert busy.status_code == 422 and "уже включён в другую группу по практике" in busy.text


def test_theory_statuses_are_refused_by_a_practice_group(setup, cok_web):
    group = setup.group(kind="practice")
    waiting = setup.applicant("Ожидаев Олег Олегович")
    cok_web.get("/cabinet/cok/practice")
    page = cok_web.post(f"/cabinet/cok/practice/{group.id}/assign", {"application_id": str(waiting.id)})
    assert page.status_code == 422 and "только соискателей, сдавших теорию" in page.text
    assert Application.get_by_id(waiting.id).status == Status.PAID_DATE_AGREEMENT.value


def test_theory_group_still_refuses_theory_passed(setup, cok_web):
    group = setup.group()
    passed = setup.applicant("Соколов Дмитрий Олегович", status=Status.THEORY_PASSED)
    assert "Соколов" not in cok_web.get(f"/cabinet/cok/theory/{group.id}/assign").text
    page = cok_web.post(f"/cabinet/cok/theory/{group.id}/assign", {"application_id": str(passed.id)})
    assert page.status_code == 422 and Application.get_by_id(passed.id).status == Status.THEORY_PASSED.value


def test_admission_refusal_and_removal_keep_the_status(setup, cok_web):
    group = setup.group(kind="practice")
    first, second, third = setup.assign(group, "Соколов Дмитрий Олегович", "Белова Анна Сергеевна",
                                        "Прогулов Олег Олегович", status=Status.THEORY_PASSED)
    url = f"/cabinet/cok/practice/{group.id}"
    page = cok_web.get(url)
    assert page.status_code == 200 and "Практический этап" in page.text and "Теория сдана" in page.text
    assert cok_web.post(f"{url}/members/{first.id}/admit", {"identity_confirmed": "yes"}).status_code == 303
    assert GroupMember.get_by_id(first.id).admission == "admitted"
    assert Application.get_by_id(first.application_id).status == Status.THEORY_PASSED.value
    assert AuditRecord.select().where((AuditRecord.action == "identity_checked")
                                      & (AuditRecord.entity_id == str(first.id))).exists()
    assert cok_web.post(f"{url}/members/{third.id}/refuse", {"reason": "Не явился"}).status_code == 303
    assert Application.get_by_id(third.application_id).status == Status.THEORY_PASSED.value
    letter = OutgoingMail.select().where(OutgoingMail.subject.contains("не допущен к практическому этапу")).get()
    assert "Причина: Не явился" in letter.body
    # An admitted practice candidate may still be removed before the start (the section offers it).
    page = cok_web.get(url)
    assert 'data-testid="practice-admitted"' in page.text and f"/members/{first.id}/remove" in page.text
    assert cok_web.post(f"{url}/members/{first.id}/remove").status_code == 303
    assert GroupMember.get_or_none(GroupMember.id == first.id) is None
    assert Application.get_by_id(first.application_id).status == Status.THEORY_PASSED.value
    assert _audited("practice_group_removed", first.application)
    assert all(_history(m.application) == [] for m in (first, second, third))
    # Removed or refused: free to join another practice group.
    other = setup.group(kind="practice")
    listing = cok_web.get(f"/cabinet/cok/practice/{other.id}/assign").text
    assert "Соколов Дмитрий Олегович" in listing and "Прогулов Олег Олегович" in listing
    assert "Белова Анна Сергеевна" not in listing


def test_start_issues_codes_and_freezes_the_group(setup, cok_web, services):
    group = setup.group(kind="practice")
    first, second = setup.assign(group, "Соколов Дмитрий Олегович", "Белова Анна Сергеевна",
                                 status=Status.THEORY_PASSED)
    url = f"/cabinet/cok/practice/{group.id}"
    cok = setup.orgs["cok"]
    cok.facsimile_digest = services.blobs.put(facsimile_png()).digest
    cok.save()
    cok_web.get(url)
    for member in (first, second):
        cok_web.post(f"{url}/members/{member.id}/admit", {"identity_confirmed": "yes"})
    assert cok_web.post(f"{url}/order", {"order_number": "21-НОК", "order_date": "2026-12-05"}).status_code == 303
    assert cok_web.post(f"{url}/order/sign").status_code == 303
    assert cok_web.post(f"{url}/start").status_code == 303
    page = cok_web.get(url)
    codes = CODE_RE.findall(page.text)
    assert len(codes) == 2 and len(set(codes)) == 2 and ExamGroup.get_by_id(group.id).started_at is not None
    assert page.text.count("Не начато") == 2 and 'data-testid="practice"' in page.text
    late = cok_web.post(f"{url}/members/{first.id}/remove")
    assert late.status_code == 422 and "Экзамен уже начат" in late.text
    assert GroupMember.get_or_none(GroupMember.id == first.id) is not None
    assert all(Application.get_by_id(m.application_id).status == Status.THEORY_PASSED.value for m in (first, second))


@pytest.mark.parametrize("suffix", ["", "/assign"])
def test_other_cok_gets_404_for_practice_group(setup, stranger_web, suffix):
    group = setup.group(kind="practice")
    setup.assign(group, "Соколов Дмитрий Олегович", status=Status.THEORY_PASSED)
    page = stranger_web.get(f"/cabinet/cok/practice/{group.id}{suffix}")
    assert page.status_code == 404 and "Соколов" not in page.text


def test_other_cok_cannot_assign_our_theory_passed_application(setup, stranger_web, factory):
    theirs = setup.group(kind="practice", actor="other_admin",
                         venue=factory.org(OrgKind.VENUE, parent=setup.orgs["other_cok"]))
    ours = setup.applicant("Соколов Дмитрий Олегович", status=Status.THEORY_PASSED)
    stranger_web.get("/cabinet/cok/practice")
    page = stranger_web.post(f"/cabinet/cok/practice/{theirs.id}/assign", {"application_id": str(ours.id)})
    assert page.status_code == 404 and not GroupMember.select().where(GroupMember.application == ours.id).exists()
