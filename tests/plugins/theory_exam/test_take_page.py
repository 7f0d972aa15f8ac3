"""The theory test at the station through the real app: no key on the page, answers saved at once,
the server's clock, finishing by the candidate and by the deadline, the session closed after."""
import datetime as dt
import re

import pytest

from theory_exam_web_kit import post_json, station, world  # noqa: F401 (fixtures)
from core.models import Application, AttemptAnswer, ExamAttempt, FinishReason, KioskSession
from core.services import attempts
from core.testing import count_queries
from core.testing_exam import right_answer
from core.workflow import Status

TAKE = "/p/theory_exam/take"
ANSWER = f"{TAKE}/answer"


@pytest.fixture
def candidate(world, new_web):
    """(station browser, member, attempt) of one signed-in candidate."""
    _, (member,) = world.started_group("Соколов Дмитрий Олегович")
    client = station(new_web, member.access_code)
    return client, member, attempts.attempt_of(member, "theory")


def _question(attempt, kind):
    return next(q for q in attempt.data["questions"] if q["type"] == kind)


def _remaining(html: str) -> int:
    return int(re.search(r'data-remaining="(\d+)"', html).group(1))


def test_page_shows_the_variant_but_never_the_key(candidate, world):
    client, member, attempt = candidate
    page = client.get(TAKE)
    assert "Соколов Дмитрий Олегович" in page.text and world.qual.name in page.text
    questions = attempt.data["questions"]
    assert len(questions) == 9 and all(q["text"] in page.text for q in questions)
    assert '"key"' not in page.text and "correct" not in page.text
    for q in questions:
        if q["type"] == "text":
            assert not any(answer in page.text for answer in q["key"]["answers"])
    assert 0 < _remaining(page.text) <= 30 * 60
    assert page.text.count('name="csrf_token" value="' + client.csrf) >= len(questions)


def test_answers_are_saved_as_json_and_shown_again_after_a_reload(candidate, services):
    client, member, attempt = candidate
    single = _question(attempt, "single")
    choice = single["options"][-1]["id"]
    with count_queries(services.db) as seen:
        result = post_json(client, ANSWER, {"question": single["id"], "value": choice})
    assert result.status_code == 200 and result.json["saved"] is True
    assert 0 < result.json["remaining"] <= 30 * 60
    assert len([sql for sql in seen if sql.lstrip().upper().startswith("SELECT")]) <= 4  # the hot path stays lean
    row = AttemptAnswer.get((AttemptAnswer.attempt == attempt.id) & (AttemptAnswer.question_id == single["id"]))
    assert row.value == f'"{choice}"'
    first = _remaining(client.get(TAKE).text)
    # Five minutes pass on the server: the reloaded page resumes with the same deadline.
    five = dt.timedelta(minutes=5)
    ExamAttempt.update(started_at=attempt.started_at - five, deadline_at=attempt.deadline_at - five).where(
        ExamAttempt.id == attempt.id).execute()
    page = client.get(TAKE)
    assert first - 300 - 3 <= _remaining(page.text) <= first - 300
    form = re.search(rf'<form[^>]*data-question="{single["id"]}".*?</form>', page.text, re.S).group(0)
    assert f'value="{choice}" checked' in form and "Сохранено" in form
    state = client.get(f"{TAKE}/state").json
    assert state["finished"] is False and state["answers"] == {single["id"]: choice}
    assert first - 303 <= state["remaining"] <= first - 300


def test_every_question_type_is_checked_against_its_own_ids(world, new_web):
    _, members = world.started_group("Соколов Дмитрий Олегович", "Петров Пётр Петрович")
    mine = station(new_web, members[0].access_code)
    station(new_web, members[1].access_code)
    attempt = attempts.attempt_of(members[0], "theory")
    own = {q["id"] for q in attempt.data["questions"]}
    bank = {q["id"] for s in world.kos.data["theory"]["sections"] for q in s["questions"]}
    for foreign in sorted(bank - own) + ["demo-1", "", None, 5]:  # not in this variant (another's, a sample…)
        result = post_json(mine, ANSWER, {"question": foreign, "value": "a"})
        assert result.status_code == 422 and result.json == {"error": "Такого вопроса нет в вашем варианте."}
    for q in attempt.data["questions"]:
        bad = {"single": "zz", "multiple": "a", "matching": {"nope": "p1"}, "ordering": ["a"],
               "text": {"x": 1}, "number": "двенадцать"}[q["type"]]
        result = post_json(mine, ANSWER, {"question": q["id"], "value": bad})
        assert result.status_code == 422 and result.json["error"], q["type"]
        good = post_json(mine, ANSWER, {"question": q["id"], "value": right_answer(q)})
        assert good.status_code == 200, (q["type"], good.json)
    assert AttemptAnswer.select().where(AttemptAnswer.attempt == attempt.id).count() == len(own)


def test_without_the_station_token_an_answer_is_refused(candidate, new_web):
    client, member, attempt = candidate
    single = _question(attempt, "single")
    payload = {"question": single["id"], "value": single["options"][0]["id"]}
    assert post_json(client, ANSWER, payload, csrf=None).status_code == 403
    assert post_json(client, ANSWER, payload, csrf="x" * 43).status_code == 403
    outsider = new_web()
    outsider.get("/kiosk")  # an anonymous session's token is no station token
    assert post_json(outsider, ANSWER, payload, csrf=outsider.csrf).headers["location"].endswith("/kiosk")
    assert not AttemptAnswer.select().exists()


def test_plain_form_posts_work_without_javascript(candidate):
    client, member, attempt = candidate
    ordering = _question(attempt, "ordering")
    places = {f"place.{item}": str(n) for n, item in enumerate(reversed(ordering["key"]["order"]), start=1)}
    result = client.post(ANSWER, {"question": ordering["id"], **places})
    number = [q["id"] for q in attempt.data["questions"]].index(ordering["id"]) + 1
    assert result.status_code == 303 and result.headers["location"].endswith(f"{TAKE}#q-{number}")
    assert attempts.answers_of(attempt)[ordering["id"]] == list(reversed(ordering["key"]["order"]))
    repeated = client.post(ANSWER, {"question": ordering["id"], **{k: "1" for k in places}})
    assert repeated.status_code == 422 and "не повторяя места" in repeated.text
    multiple = _question(attempt, "multiple")
    chosen = [o["id"] for o in multiple["options"][:2]]
    assert client.post(ANSWER, {"question": multiple["id"], "value": chosen}).status_code == 303
    assert sorted(attempts.answers_of(attempt)[multiple["id"]]) == sorted(chosen)


def test_finish_asks_first_then_shows_the_result_once(candidate):
    client, member, attempt = candidate
    for q in attempt.data["questions"]:
        post_json(client, ANSWER, {"question": q["id"], "value": right_answer(q)})
    post_json(client, ANSWER, {"question": attempt.data["questions"][0]["id"], "value": None})  # cleared again
    confirm = client.post(f"{TAKE}/finish")
    assert confirm.status_code == 200 and 'data-testid="unanswered">1<' in confirm.text
    assert ExamAttempt.get_by_id(attempt.id).finished_at is None
    done = client.post(f"{TAKE}/finish", {"confirm": "yes"})
    assert done.status_code == 303 and done.headers["location"].endswith(TAKE)
    finished = ExamAttempt.get_by_id(attempt.id)
    assert finished.finish_reason == FinishReason.SUBMITTED and finished.points == 8
    result = client.get(TAKE)
    assert "Экзамен завершён" in result.text and 'data-testid="answered">8 из 9<' in result.text
    assert "Теория сдана" in result.text and 'data-testid="points">8 из 9' in result.text
    assert KioskSession.get(KioskSession.member == member.id).closed_at is not None
    back = client.get(TAKE)  # the back button reopens nothing
    assert back.status_code == 303 and back.headers["location"].endswith("/kiosk")
    assert post_json(client, ANSWER, {"question": "x", "value": 1}).status_code == 303
    assert Application.get_by_id(member.application_id).status == Status.THEORY_PASSED.value


def test_after_the_deadline_the_server_finishes_by_the_clock(candidate, services):
    client, member, attempt = candidate
    services.config.kiosk_show_result = False
    deadline = attempts.utcnow() - dt.timedelta(seconds=2)
    ExamAttempt.update(deadline_at=deadline).where(ExamAttempt.id == attempt.id).execute()
    single = _question(attempt, "single")
    result = post_json(client, ANSWER, {"question": single["id"], "value": single["options"][0]["id"]})
    assert result.status_code == 409 and result.json["closed"] is True and result.json["message"]
    finished = ExamAttempt.get_by_id(attempt.id)
    assert finished.finish_reason == FinishReason.TIMEOUT and finished.finished_at == deadline
    assert not AttemptAnswer.select().exists()
    assert Application.get_by_id(member.application_id).status == Status.THEORY_FAILED.value
    page = client.get(TAKE)
    assert "Экзамен завершён" in page.text and "Истекло время" in page.text
    assert "Теория" not in page.text.split("Экзамен завершён", 1)[1].split("Истекло время", 1)[1]
    assert 'data-testid="points"' not in page.text  # the ЦОК shows the result later
    assert client.get(TAKE).status_code == 303
