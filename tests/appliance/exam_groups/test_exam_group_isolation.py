"""Another ЦОК reaches none of our groups, members or documents: every resource answers 404."""
import pytest
from exam_world import setup  # noqa: F401 (fixtures)

from core.models import Application, ExamGroup, GroupMember, OrgKind
from core.workflow import Status


@pytest.fixture
def theirs(setup, factory):
    """A group of the other ЦОК at its own venue."""
    return setup.group(actor="other_admin", venue=factory.org(OrgKind.VENUE, parent=setup.orgs["other_cok"]))


@pytest.fixture
def ours(setup):
    group = setup.group()
    member, = setup.assign(group, "Соколов Дмитрий Олегович")
    group.order_number, group.order_pdf = "15-НОК", "0" * 64
    group.save()
    return group, member


GETS = ["", "/edit", "/assign", "/order.pdf", "/slips"]
POSTS = ["/edit", "/assign", "/order", "/order/sign", "/start", "/members/{m}/admit", "/members/{m}/refuse",
         "/members/{m}/remove", "/members/{m}/code"]


@pytest.mark.parametrize("suffix", GETS)
def test_other_cok_gets_404(ours, stranger_web, suffix):
    group, _ = ours
    page = stranger_web.get(f"/cabinet/cok/theory/{group.id}{suffix}")
    assert page.status_code == 404 and "Соколов" not in page.text and "15-НОК" not in page.text


@pytest.mark.parametrize("suffix", POSTS)
def test_other_cok_posts_get_404_and_change_nothing(ours, stranger_web, suffix):
    group, member = ours
    stranger_web.get("/cabinet/cok/theory")
    page = stranger_web.post(f"/cabinet/cok/theory/{group.id}{suffix.format(m=member.id)}",
                             {"identity_confirmed": "yes", "reason": "чужой", "order_number": "1",
                              "order_date": "2026-01-01", "application_id": str(member.application_id)})
    assert page.status_code == 404
    assert GroupMember.get_by_id(member.id).admission == "pending"
    assert ExamGroup.get_by_id(group.id).order_number == "15-НОК" and ExamGroup.get_by_id(group.id).started_at is None


def test_other_cok_member_of_our_group_in_their_group_url(ours, theirs, stranger_web):
    """Their own group id with our member id: the member is looked up inside the group, so 404."""
    group, member = ours
    stranger_web.get("/cabinet/cok/theory")
    page = stranger_web.post(f"/cabinet/cok/theory/{theirs.id}/members/{member.id}/admit",
                             {"identity_confirmed": "yes"})
    assert page.status_code == 404 and GroupMember.get_by_id(member.id).admission == "pending"


def test_other_cok_cannot_assign_our_application_or_list_our_groups(ours, theirs, setup, stranger_web):
    group, _ = ours
    ours_app = setup.applicant("Белова Анна Сергеевна")
    stranger_web.get("/cabinet/cok/theory")
    page = stranger_web.post(f"/cabinet/cok/theory/{theirs.id}/assign", {"application_id": str(ours_app.id)})
    assert page.status_code == 404 and Application.get_by_id(ours_app.id).status == Status.PAID_DATE_AGREEMENT.value
    assert stranger_web.get(f"/cabinet/cok/theory/for-application/{ours_app.id}").status_code == 404
    listing = stranger_web.get("/cabinet/cok/theory")
    assert f"/cabinet/cok/theory/{group.id}" not in listing.text and "Всего групп: 1" in listing.text


def test_wrong_section_is_404(ours, new_web):
    from core.testing import TEST_PASSWORD

    group, _ = ours
    web = new_web()
    web.login("admin@cok.ru", TEST_PASSWORD)
    assert web.get(f"/cabinet/cok/practice/{group.id}").status_code == 404
    assert web.get(f"/cabinet/cok/theory/{group.id}").status_code == 200
