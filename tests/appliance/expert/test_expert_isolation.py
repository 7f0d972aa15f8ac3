"""Isolation: only the deciding commission sees a result; other cabinets never reach the expert's pages."""
from expert_kit import RESULTS, world  # noqa: F401 (fixtures)

from core.models import Application, ExpertDecision, Verdict
from core.services import commission


def test_outsiders_get_not_found_and_learn_nothing(world, signed_in):
    _, (app,) = world.theory("Белова Анна Сергеевна", passed=False)
    outsider = signed_in(world.outsider)
    url = f"{RESULTS}/{app.id}"
    for path in (url, f"{url}/protocol.pdf", f"{url}/protocol.docx", f"{url}/protocol/scan", f"{url}/videos/1"):
        page = outsider.get(path)
        assert page.status_code == 404 and "Белова" not in page.text, path
    outsider.get(RESULTS)
    for path, form in ((url, {f"verdict_{world.outsider.id}": "passed"}),
                       (f"{url}/protocol", {"protocol_number": "1", "protocol_date": "2026-01-01"})):
        assert outsider.post(path, form).status_code == 404, path
    assert not ExpertDecision.select().exists()
    assert signed_in(world.expert).get(f"{RESULTS}/999999").status_code == 404


def test_theory_commission_loses_the_result_to_the_practice_commission(world, signed_in, factory):
    _, (app,) = world.theory("Соколов Дмитрий Олегович")
    practice = world.practice([Application.get_by_id(app.id)])
    newcomer = world.add_member(practice, "Яковлев Семён Ильич")
    assert signed_in(newcomer).get(f"{RESULTS}/{app.id}").status_code == 200
    commission.decide(newcomer, Application.get_by_id(app.id), Verdict.PASSED, world.plugins)
    assert ExpertDecision.get().group_id == practice.id


def test_other_cabinets_are_refused(world, signed_in):
    _, (app,) = world.theory("Белова Анна Сергеевна", passed=False)
    for user in (world.admin, world.venue_admin, app.applicant):
        web = signed_in(user)
        for path in (RESULTS, f"{RESULTS}/{app.id}", "/cabinet/expert/signature"):
            page = web.get(path)
            assert page.status_code == 403 and "Решение экспертной комиссии" not in page.text, (user.email, path)
