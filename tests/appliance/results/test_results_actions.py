"""«Вернуть на доработку» and «Отправить в СПК» from the личное дело, through HTTP."""
import html
import json

from results_kit import world  # noqa: F401 (fixtures)

from core.models import Application, CommissionResult, SpkSubmission, Verdict
from core.workflow import Status

URL = "/cabinet/cok/results"


def test_return_needs_a_comment_and_keeps_the_status(world, cok_web):
    _, (app,), _ = world.theory("Колиниченко Михаил Андреевич", right=2)
    world.decided(app)
    cok_web.get(f"{URL}/{app.id}")
    page = cok_web.post(f"{URL}/{app.id}/return", {"comment": " "})
    assert page.status_code == 422
    assert 'id="comment-error"' in page.text and "доработать" in html.unescape(page.text)
    assert Application.get_by_id(app.id).status == Status.COMMISSION_DECIDED.value


def test_return_for_rework_goes_back_to_the_experts(world, cok_web):
    _, (app,), _ = world.theory("Колиниченко Михаил Андреевич", right=2)
    world.decided(app)
    cok_web.get(f"{URL}/{app.id}")
    page = cok_web.post(f"{URL}/{app.id}/return", {"comment": "Проверьте видео второго часа экзамена"})
    assert page.status_code == 303 and page.headers["location"].endswith(f"{URL}/{app.id}?notice=returned")
    assert Application.get_by_id(app.id).status == Status.THEORY_FAILED.value
    result = CommissionResult.get(CommissionResult.application == app.id)
    assert result.returned_at is not None and result.return_comment == "Проверьте видео второго часа экзамена"
    body = html.unescape(cok_web.get(page.headers["location"]).text)
    assert "Результат возвращён экспертной комиссии на доработку." in body
    assert "Возвращено на доработку: Проверьте видео второго часа экзамена" in body
    assert "Отправить в СПК</button>" not in body and "Решение комиссии:\n    <strong>не вынесено" in body


def test_send_to_spk_queues_the_result_and_says_so(world, cok_web):
    _, (app,), _ = world.theory("Колиниченко Михаил Андреевич", right=2)
    world.decided(app)
    cok_web.get(f"{URL}/{app.id}")
    page = cok_web.post(f"{URL}/{app.id}/send")
    assert page.status_code == 303
    assert Application.get_by_id(app.id).status == Status.SENT_TO_SPK.value
    submission = SpkSubmission.get(SpkSubmission.application == app.id)
    assert submission.sent_at is None and submission.queued_by_id == world.people["cok_operator"].id
    payload = json.loads(submission.payload)
    assert "Колиниченко Михаил Андреевич" in json.dumps(payload, ensure_ascii=False)
    assert CommissionResult.get(CommissionResult.application == app.id).verdict == Verdict.FAILED
    body = html.unescape(cok_web.get(page.headers["location"]).text)
    assert "Результат передан в СПК." in body
    spk = body.split('data-testid="spk"', 1)[1].split("</p>", 1)[0]
    assert "Передано в СПК" in spk and "(ожидает отправки в реестр)" in spk
    assert "Отправить в СПК</button>" not in body and "Вернуть на доработку</button>" not in body
    assert "Передано в СПК" in cok_web.get(URL).text  # the list shows the new status
    again = cok_web.post(f"{URL}/{app.id}/send")
    assert again.status_code == 422 and SpkSubmission.select().where(SpkSubmission.application == app.id).count() == 1


def test_buttons_refused_before_the_commission_decided(world, cok_web):
    _, (app,), _ = world.theory("Колиниченко Михаил Андреевич", right=2)
    cok_web.get(f"{URL}/{app.id}")
    page = cok_web.post(f"{URL}/{app.id}/send")
    assert page.status_code == 422 and "экспертная комиссия вынесла решение" in html.unescape(page.text)
    assert not SpkSubmission.select().exists()


def test_other_cok_cannot_return_or_send(world, stranger_web):
    _, (app,), _ = world.theory("Колиниченко Михаил Андреевич", right=2)
    world.decided(app)
    stranger_web.get(URL)
    assert stranger_web.post(f"{URL}/{app.id}/send").status_code == 404
    assert stranger_web.post(f"{URL}/{app.id}/return", {"comment": "чужое дело"}).status_code == 404
    assert Application.get_by_id(app.id).status == Status.COMMISSION_DECIDED.value
    assert not SpkSubmission.select().exists()


def test_venue_staff_send_the_result_of_their_venue(world, venue_web):
    _, (app,), _ = world.theory("Колиниченко Михаил Андреевич", right=2)
    world.decided(app)
    venue_web.get(f"/cabinet/venue/results/{app.id}")
    page = venue_web.post(f"/cabinet/venue/results/{app.id}/send")
    assert page.status_code == 303 and page.headers["location"].startswith("/cabinet/venue/results/")
    assert Application.get_by_id(app.id).status == Status.SENT_TO_SPK.value
