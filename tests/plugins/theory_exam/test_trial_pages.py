"""«Пробный экзамен» of the applicant cabinet: sample questions only, untimed, right answers after."""
import re

import pytest

from theory_exam_web_kit import post_json, world  # noqa: F401 (fixtures)
from core.models import ProfStandard, Qualification, Role
from core.testing_exam import kos_document, right_answer, store_kos
from core.workflow import Status
from plugins.theory_exam.models import TheoryTrial

TRIAL = "/p/theory_exam/trial"


@pytest.fixture
def applicant(world, factory):
    user = factory.user(Role.APPLICANT, email="welder@mail.ru", full_name="Соколов Дмитрий Олегович")
    world.application("Соколов Дмитрий Олегович", Status.ADMITTED, applicant=user)
    return user


def other_qualification(world, *, samples=True) -> Qualification:
    std = ProfStandard.get(ProfStandard.code == "40.054")
    qual = Qualification.create(spk=world.spk, prof_standard=std, code="40.05400.77", name="Аудитор охраны труда",
                                level=5)
    theory = dict(world.kos.data["theory"])
    if not samples:
        theory["samples"] = []
    store_kos(qual, kos_document(theory=theory))
    return qual


def start(client, qualification) -> TheoryTrial:
    client.get(TRIAL)
    result = client.post(TRIAL, {"qualification": str(qualification.id)})
    assert result.status_code == 303, result.text
    trial_id = int(result.headers["location"].rsplit("/", 1)[1])
    return TheoryTrial.get_by_id(trial_id)


def test_menu_item_and_own_qualifications_first(signed_in, applicant, world):
    other_qualification(world)
    client = signed_in(applicant)
    home = client.get("/cabinet/applicant/")
    assert f'href="{TRIAL}"' in home.text and "Пробный экзамен" in home.text
    page = client.get(TRIAL)
    assert page.status_code == 200
    own_group = page.text.index("По вашим заявлениям")
    assert own_group < page.text.index(world.qual.name) < page.text.index("Другие квалификации") \
        < page.text.index("Аудитор охраны труда")


def test_trial_is_built_from_the_samples_only(signed_in, applicant, world):
    client = signed_in(applicant)
    trial = start(client, world.qual)
    assert {q["id"] for q in trial.data["questions"]} == {"demo-1", "demo-2"}
    page = client.get(f"{TRIAL}/{trial.id}")
    assert page.status_code == 200 and "Прошло:" in page.text and 'data-elapsed="' in page.text
    for section in world.kos.data["theory"]["sections"]:
        for q in section["questions"]:
            assert q["id"] not in page.text and q["text"] not in page.text
    assert '"key"' not in page.text and "Правильный ответ" not in page.text


def test_answers_saved_then_right_answers_shown_after_finish(signed_in, applicant, world):
    client = signed_in(applicant)
    trial = start(client, world.qual)
    client.get(f"{TRIAL}/{trial.id}")
    single = next(q for q in trial.data["questions"] if q["type"] == "single")
    number = next(q for q in trial.data["questions"] if q["type"] == "number")
    saved = post_json(client, f"{TRIAL}/{trial.id}/answer", {"question": single["id"], "value": right_answer(single)})
    assert saved.status_code == 200 and saved.json == {"saved": True, "remaining": None}
    bad = post_json(client, f"{TRIAL}/{trial.id}/answer", {"question": "s1-q1", "value": "a"})
    assert bad.status_code == 422
    assert client.post(f"{TRIAL}/{trial.id}/answer", {"question": number["id"], "value": "7"}).status_code == 303
    done = client.post(f"{TRIAL}/{trial.id}/finish")
    assert done.status_code == 303
    result = client.get(f"{TRIAL}/{trial.id}")
    assert 'data-testid="correct">1 из 2<' in result.text and 'data-testid="points">1 из 2<' in result.text
    assert "Правильный ответ: Специалист по охране труда" in result.text and "Правильный ответ: 6" in result.text
    assert "Неверно" in result.text and "Верно" in result.text
    closed = post_json(client, f"{TRIAL}/{trial.id}/answer", {"question": single["id"], "value": None})
    assert closed.status_code == 409 and closed.json["closed"] is True
    listing = client.get(TRIAL)
    assert "Посмотреть ответы" in listing.text and "1 из 2 баллов" in listing.text


def test_only_the_applicant_themself(signed_in, new_web, applicant, world, factory):
    trial = start(signed_in(applicant), world.qual)
    stranger = signed_in(factory.user(Role.APPLICANT, email="other@mail.ru"))
    assert stranger.get(f"{TRIAL}/{trial.id}").status_code == 404
    assert stranger.post(f"{TRIAL}/{trial.id}/finish").status_code == 404
    assert TheoryTrial.get_by_id(trial.id).finished_at is None
    staff = signed_in(factory.user(Role.ADMIN, world.cok, email="admin@cok.ru"))
    assert staff.get(TRIAL).status_code == 403
    assert new_web().get(TRIAL).status_code == 303  # not signed in: to the login page


def test_a_kos_without_samples_says_so_next_to_the_field(signed_in, applicant, world):
    qual = other_qualification(world, samples=False)
    client = signed_in(applicant)
    client.get(TRIAL)
    result = client.post(TRIAL, {"qualification": str(qual.id)})
    assert result.status_code == 422 and "нет демонстрационных вопросов" in result.text
    assert re.search(rf'<option value="{qual.id}" selected>', result.text)
    assert not TheoryTrial.select().exists()
    assert "Выберите квалификацию" in client.post(TRIAL, {"qualification": "abc"}).text
