"""«Результаты экзаменов» of the expert through HTTP: the list with filters, the review page, decisions."""
import re

from expert_kit import RESULTS, world  # noqa: F401 (fixtures)

from core.models import Application, CommissionResult, ExpertDecision, Verdict
from core.services import commission
from core.testing import count_queries
from core.workflow import Status


def test_list_shows_results_with_the_seed_fields_and_filters(world, signed_in, services):
    _, (sokolov,) = world.theory("Соколов Дмитрий Олегович")
    world.practice([Application.get_by_id(sokolov.id)])
    _, (belova,) = world.theory("Белова Анна Сергеевна", passed=False)
    web = signed_in(world.expert)
    page = web.get(RESULTS)
    assert page.status_code == 200 and "Всего: 2" in page.text
    for text in ("Поиск по ФИО", "Статус записи", "С даты", "По дату", "Сбросить фильтрацию",
                 "Тип экзамена: Практический", "Тип экзамена: Теоретический", f"ЦОК: {world.cok.short_name}",
                 "Соискатель: Соколов Дмитрий Олегович", "Соискатель: Белова Анна Сергеевна",
                 "Ваше решение: Не выбрано", "Приступить к проверке", world.qual.title):
        assert text in page.text, text
    assert page.text.index("Соколов") < page.text.index("Белова"), "новые экзамены первыми"
    assert f'href="{RESULTS}/{belova.id}"' in page.text
    assert "Всего: 1" in web.get(f"{RESULTS}?name=Белова").text
    filtered = web.get(f"{RESULTS}?status={Status.PRACTICE_PASSED.value}")
    assert "Всего: 1" in filtered.text and "Соколов" in filtered.text and "Белова" not in filtered.text
    assert 'value="practice_passed" selected' in filtered.text
    today = world.practice_day = Application.get_by_id(sokolov.id).updated_at.date().isoformat()
    assert "Всего: 1" in web.get(f"{RESULTS}?date_from={today}").text
    wrong = web.get(f"{RESULTS}?status=hacked")
    assert wrong.status_code == 422 and "Выберите статус из списка" in wrong.text
    assert web.get(f"{RESULTS}?date_from=вчера").status_code == 400
    assert "Результатов нет" in signed_in(world.outsider).get(RESULTS).text
    with count_queries(services.db) as few:
        web.get(RESULTS)
    world.theory("Зуев Артём Павлович", "Яковлева Ирина Петровна", passed=False)
    with count_queries(services.db) as many:
        assert "Всего: 4" in web.get(RESULTS).text
    assert len(few) == len(many), "список не делает запросов на каждую строку"


def test_member_reviews_and_decides(world, signed_in):
    _, (app,) = world.theory("Белова Анна Сергеевна", passed=False)
    web = signed_in(world.expert)
    page = web.get(f"{RESULTS}/{app.id}")
    assert page.status_code == 200
    attempt_id = commission.facts.stage_attempts(app)["theory"].id
    for text in ("Теоретический экзамен", "Дата, время и место проведения", world.venue.full_name,
                 "Видеозаписи появятся после загрузки", f'href="/p/theory_exam/attempts/{attempt_id}">Перейти',
                 "Теоретический этап", "из 6", "Не сдан", "Решение экспертной комиссии", "Протокол экспертной комиссии",
                 "Протокол формирует, подписывает факсимиле и загружает председатель"):
        assert text in page.text, text
    assert f'name="verdict_{world.expert.id}"' in page.text and f'name="verdict_{world.chair.id}"' not in page.text
    assert "Сформировать протокол" not in page.text
    assert not re.search(r"<script>(?!\s*</script>)", page.text) and "style=" not in page.text
    bad = web.post(f"{RESULTS}/{app.id}", {f"verdict_{world.expert.id}": "maybe", "comment": "Ошибки в разделе 2"})
    assert bad.status_code == 422 and "Выберите решение" in bad.text and 'aria-invalid="true"' in bad.text
    assert "Ошибки в разделе 2" in bad.text, "введённое сохраняется"
    # a member cannot slip in the chair's decision
    saved = web.post(f"{RESULTS}/{app.id}", {f"verdict_{world.expert.id}": "failed",
                                              f"verdict_{world.chair.id}": "passed", "comment": "Ошибки в разделе 2"})
    assert saved.status_code == 303 and saved.headers["location"].endswith("notice=saved")
    decision = ExpertDecision.get()
    assert (decision.expert_id, decision.verdict, decision.comment) == (world.expert.id, "failed", "Ошибки в разделе 2")
    page = web.get(saved.headers["location"])
    assert "Решение сохранено" in page.text and "Ошибки в разделе 2" in page.text
    assert Status(Application.get_by_id(app.id).status) is Status.THEORY_FAILED


def test_chair_decides_for_every_member(world, signed_in):
    _, (app,) = world.theory("Белова Анна Сергеевна", passed=False)
    web = signed_in(world.chair)
    page = web.get(f"{RESULTS}/{app.id}")
    assert f'name="verdict_{world.expert.id}"' in page.text and f'name="verdict_{world.chair.id}"' in page.text
    assert "Председатель: Волков Павел Андреевич" in page.text and "Член комиссии: Зайцева Ольга Игоревна" in page.text
    commission.decide(world.expert, Application.get_by_id(app.id), Verdict.FAILED, world.plugins)
    refused = web.post(f"{RESULTS}/{app.id}/protocol", {"protocol_number": "", "protocol_date": ""})
    assert refused.status_code == 422 and "Укажите номер протокола" in refused.text
    assert '<option value="failed" selected>' in refused.text, "решение эксперта остаётся выбранным"
    done = web.post(f"{RESULTS}/{app.id}", {f"verdict_{world.chair.id}": "passed",
                                             f"verdict_{world.expert.id}": "failed", "comment": ""})
    assert done.status_code == 303 and done.headers["location"].endswith("notice=decided")
    assert CommissionResult.get().verdict == Verdict.PASSED, "при равенстве голосов решает председатель"
    page = web.get(done.headers["location"])
    assert "Решение экспертной комиссии: Сдал" in page.text
    assert "(указано председателем)" not in page.text, "член комиссии решил сам; форма председателя лишь повторила"
    assert 'data-testid="decision-form"' not in page.text and "ЦОК вернёт результаты на доработку" in page.text
    member_page = signed_in(world.expert).get(f"{RESULTS}/{app.id}")
    assert "Решение экспертной комиссии: Сдал" in member_page.text
    refused = web.post(f"{RESULTS}/{app.id}", {f"verdict_{world.chair.id}": "failed"})
    assert refused.status_code == 422 and "уже вынесено" in refused.text
    commission.return_for_rework(world.admin, Application.get_by_id(app.id), "Проверьте ответ на вопрос s2-q1",
                                 world.plugins)
    page = web.get(f"{RESULTS}/{app.id}")
    assert "Возвращено на доработку: Проверьте ответ на вопрос s2-q1" in page.text
    assert 'data-testid="decision-form"' in page.text
    listing = signed_in(world.expert).get(RESULTS)
    assert "возвращено на доработку" in listing.text
