"""Личное дело in «Результаты экзаменов»: applicant, documents, stages, videos, the commission, the theory report."""
import html
import re

from results_kit import world  # noqa: F401 (fixtures)

from core.models import AuditRecord, GroupVideo
from core.services.attempts import answers_of
from core.workflow import Status

URL = "/cabinet/cok/results"


def text(page) -> str:
    return html.unescape(page.text)


def test_case_file_shows_person_documents_stages_and_links(world, cok_web, services):
    group, (app,), (attempt,) = world.theory("Колиниченко Михаил Андреевич", right=2)
    world.person(app)
    doc = world.document(app)
    video = GroupVideo.create(group=group, digest=services.blobs.put(b"\x00\x00\x00\x18ftypmp42").digest,
                              filename="аудитория-1.mp4", content_type="video/mp4", size=12,
                              uploaded_by=world.people["cok_admin"])
    page = cok_web.get(f"{URL}/{app.id}")
    assert page.status_code == 200
    body = text(page)
    person = body.split('data-testid="person"', 1)[1].split("</dl>", 1)[0]
    assert "Колиниченко Михаил Андреевич" in person and "112-233-445 95" in person and "14.03.1985" in person
    assert "+79024314444" in person and "Теория не сдана" in person
    assert f'href="/cabinet/cok/applications/{app.id}/documents/{doc.id}"' in body
    assert cok_web.get(f"/cabinet/cok/applications/{app.id}/documents/{doc.id}").content == b"%PDF-1.4 diploma"
    stage = body.split('data-testid="stage-theory"', 1)[1].split("</section>", 1)[0]
    assert "Теоретический этап" in stage and "2 из 6" in stage and "2 из 6 / 4" in stage and "Не сдано" in stage
    assert f'href="/p/theory_exam/attempts/{attempt.id}"' in stage
    assert "Завершено соискателем" in stage
    assert f'href="/cabinet/cok/theory/{group.id}/sheet.pdf"' in stage
    assert f'href="{URL}/{app.id}/theory-report"' in stage
    assert cok_web.get(f"/cabinet/cok/theory/{group.id}/sheet.pdf").content.startswith(b"%PDF")
    assert cok_web.get(f"/p/theory_exam/attempts/{attempt.id}").status_code == 200
    assert f'src="/cabinet/cok/theory/{group.id}/videos/{video.id}"' in body and "аудитория-1.mp4" in body
    assert cok_web.get(f"/cabinet/cok/theory/{group.id}/videos/{video.id}").content == b"\x00\x00\x00\x18ftypmp42"
    decision = body.split('id="decision-title"', 1)[1].split("</section>", 1)[0]
    assert "Председатель" in decision and "Волков Павел Андреевич" in decision and "Зайцева Ольга Игоревна" in decision
    assert "не вынесено" in decision
    assert "Вернуть на доработку</button>" not in body and "Отправить в СПК</button>" not in body
    assert AuditRecord.select().where((AuditRecord.action == "view") & (AuditRecord.entity == "personal_file")
                                      & (AuditRecord.entity_id == str(app.id))).exists()


def test_commission_decision_with_the_chair_marked(world, cok_web):
    _, (app,), _ = world.theory("Колиниченко Михаил Андреевич", right=2)
    world.decided(app)
    body = text(cok_web.get(f"{URL}/{app.id}"))
    decision = body.split('id="decision-title"', 1)[1].split("</section>", 1)[0]
    chair_row = decision.split("Председатель", 1)[1].split("</tr>", 1)[0]
    assert "Волков Павел Андреевич" in chair_row and "Не сдал" in chair_row and "Порог не набран" in chair_row
    member_row = decision.split("Зайцева Ольга Игоревна", 1)[1].split("</tr>", 1)[0]
    assert "Не сдал" in member_row and "Председатель" not in member_row
    assert "Решение комиссии:\n    <strong>Не сдал</strong>" in decision
    assert "Вернуть на доработку</button>" in body and "Отправить в СПК</button>" in body


def test_practice_stage_shows_the_task_and_points(world, cok_web):
    _, (app,) = world.practice("Орлова Вера Павловна")
    body = text(cok_web.get(f"{URL}/{app.id}"))
    stage = body.split('data-testid="stage-practice"', 1)[1].split("</section>", 1)[0]
    assert "Оценка профессиональных рисков на участке сварки" in stage
    assert "8 из 8 (порог 5)" in stage and "Сдано" in stage and "sheet.pdf" not in stage
    review = re.search(r'href="(/p/practice_portfolio/attempts/\d+)"', stage).group(1)
    assert cok_web.get(review).status_code == 200


def test_theory_report_lists_every_question_with_answers_and_key(world, cok_web):
    _, (app,), (attempt,) = world.theory("Колиниченко Михаил Андреевич", right=3)
    page = cok_web.get(f"{URL}/{app.id}/theory-report")
    assert page.status_code == 200
    body = text(page)
    assert 'href="/static/print.css"' in body and "data-print" in body and "<script>" not in body
    assert "3 из 6" in body and "минимальный порог 4" in body and "Не сдано" in body
    rows = body.split('data-testid="report"', 1)[1].split('data-testid="question"')[1:]
    questions = attempt.data["questions"]
    assert len(rows) == len(questions) == 6
    answers = answers_of(attempt)
    for number, (row, question) in enumerate(zip(rows, questions)):
        assert question["text"] in row
        assert ("— верно" in row) == (number < 3)
        cells = row.split("<td>")  # №, question, the candidate's answer, the correct answer, points
        if question["type"] == "single":
            options = {o["id"]: o["text"] for o in question["options"]}
            assert options[answers[question["id"]]] in cells[3]
            assert options[question["key"]["correct"]] in cells[4]
        if question["type"] == "number":
            assert cells[4].startswith("3</td>")
    assert AuditRecord.select().where((AuditRecord.entity == "theory_report")
                                      & (AuditRecord.entity_id == str(attempt.id))).exists()


def test_venue_staff_open_the_case_file_of_their_venue(world, venue_web):
    _, (app,), _ = world.theory("Колиниченко Михаил Андреевич")
    page = venue_web.get(f"/cabinet/venue/results/{app.id}")
    assert page.status_code == 200 and "Колиниченко Михаил Андреевич" in page.text
    assert venue_web.get(f"/cabinet/venue/results/{app.id}/theory-report").status_code == 200


def test_not_examined_application_has_no_case_file(world, cok_web):
    app = world.exam.application("Никитин Олег Олегович", Status.PAID_DATE_AGREEMENT)
    assert cok_web.get(f"{URL}/{app.id}").status_code == 404
    assert cok_web.get(f"{URL}/{app.id}/theory-report").status_code == 404
