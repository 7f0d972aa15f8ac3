"""The candidate's page at the station: the task, the time left, handing in and removing result files."""
from __future__ import annotations

import datetime as dt
import re

from practice_kit import TAKE, docx_bytes, hand_in, pdf_bytes, practice, xlsx_bytes, zip_bytes  # noqa: F401

from core.models import AttemptFile, ExamAttempt
from core.services import attempts
from plugins.practice_portfolio.files import MAX_FILES


def _uploaded(attempt) -> list[str]:
    return [f.filename for f in AttemptFile.select().where(AttemptFile.attempt == attempt.id).order_by(AttemptFile.id)]


def test_task_page_shows_the_task_and_resumes_the_same_attempt(practice):
    group, (member,) = practice.started("Соколов Дмитрий Олегович")
    station = practice.station(member)
    page = station.get(TAKE)
    assert page.status_code == 200 and "Практический этап" in page.text
    assert "Оценка профессиональных рисков на участке сварки" in page.text
    assert "Описание участка, карта СОУТ" in page.text and "Опасности выявлены полностью" in page.text
    assert "Соколов Дмитрий Олегович" in page.text and "style=" not in page.text and "<script>" not in page.text
    left = re.search(r'data-remaining="(\d+)"', page.text)
    assert left and 3500 <= int(left.group(1)) <= 3600  # 60 minutes by the server clock
    attempt = ExamAttempt.get(ExamAttempt.member == member.id)
    assert attempt.stage == "practice" and attempt.data["task"]["id"] == "t1"
    station.get(TAKE)
    assert ExamAttempt.select().where(ExamAttempt.member == member.id).count() == 1
    assert '/static/p/practice_portfolio/countdown.js' in page.text
    assert station.get("/static/p/practice_portfolio/countdown.js").status_code == 200


def test_upload_by_content_and_delete_own_files(practice):
    _, _, station, attempt = practice.at_task()
    for name, data, ctype in [("отчёт.pdf", pdf_bytes(), "application/pdf"),
                              ("меры.docx", docx_bytes(), "application/octet-stream"),
                              ("расчёт.xlsx", xlsx_bytes(), "application/octet-stream"),
                              ("схемы.zip", zip_bytes({"a.txt": b"1"}), "application/zip")]:
        done = hand_in(station, name, data, ctype)
        assert done.status_code == 303, done.text
    assert _uploaded(attempt) == ["отчёт.pdf", "меры.docx", "расчёт.xlsx", "схемы.zip"]
    rows = list(AttemptFile.select().where(AttemptFile.attempt == attempt.id))
    assert all(r.uploaded_by_id is None for r in rows)
    assert {r.content_type for r in rows} >= {"application/pdf", "application/zip"}
    page = station.get(done.headers["location"])
    assert "Файл загружен" in page.text and "отчёт.pdf" in page.text and "Удалить" in page.text
    bad = hand_in(station, "отчёт.pdf", b"MZ\x90\x00not a pdf")
    assert bad.status_code == 422 and "не является PDF-документом" in bad.text
    fake_docx = hand_in(station, "меры.docx", zip_bytes({"x.txt": b"1"}), "x/y")
    assert fake_docx.status_code == 422 and "повреждён" in fake_docx.text
    renamed = hand_in(station, "вирус.exe", b"MZ", "application/octet-stream")
    assert renamed.status_code == 422 and "Допустимы только PDF, JPEG, PNG, DOCX, XLSX и ZIP" in renamed.text
    empty = hand_in(station, "пусто.zip", b"", "application/zip")
    assert empty.status_code == 422 and "пустой" in empty.text
    assert len(_uploaded(attempt)) == 4
    first = rows[0]
    assert station.post(f"{TAKE}/files/{first.id}/delete").status_code == 303
    assert _uploaded(attempt) == ["меры.docx", "расчёт.xlsx", "схемы.zip"]
    assert station.post(f"{TAKE}/files/{first.id}/delete").status_code == 404


def test_upload_needs_the_station_token_and_session(practice):
    _, _, station, attempt = practice.at_task()
    assert hand_in(station, "a.pdf", csrf=False).status_code == 403
    stranger = practice.browser()
    assert stranger.get(TAKE).status_code == 303  # no station session: back to the sign-in
    assert _uploaded(attempt) == []


def test_file_count_is_limited(practice):
    _, _, station, attempt = practice.at_task()
    digest = practice.blobs.put(pdf_bytes()).digest
    for n in range(MAX_FILES):
        AttemptFile.create(attempt=attempt, digest=digest, filename=f"{n}.pdf", content_type="application/pdf",
                           size=100)
    page = hand_in(station, "ещё.pdf")
    assert page.status_code == 422 and f"не больше {MAX_FILES} файлов" in page.text


def test_after_the_deadline_files_are_neither_taken_nor_removed(practice):
    _, _, station, attempt = practice.at_task()
    hand_in(station)
    attempt.deadline_at = attempts.utcnow() - dt.timedelta(seconds=1)
    attempt.save()
    page = station.get(TAKE)
    assert "Время выполнения задания истекло" in page.text and 'enctype="multipart/form-data"' not in page.text
    late = hand_in(station, "ещё.pdf")
    assert late.status_code == 422 and "истекло" in late.text
    file_id = AttemptFile.get(AttemptFile.attempt == attempt.id).id
    assert station.post(f"{TAKE}/files/{file_id}/delete").status_code == 422
    assert _uploaded(attempt) == ["отчёт.pdf"]
    assert ExamAttempt.get_by_id(attempt.id).finished_at is None  # the commission still marks it


def test_portfolio_defence_shows_requirements_and_the_applications_portfolio(practice):
    member = practice.with_portfolio(practical_form="portfolio",
                                     portfolio_link="https://disk.example.ru/portfolio-belova")
    station = practice.station(member)
    page = station.get(TAKE)
    assert page.status_code == 200 and "Защита портфолио" in page.text
    assert "Документы, подтверждающие опыт построения" in page.text and "Полнота портфолио" in page.text
    assert "https://disk.example.ru/portfolio-belova" in page.text and "Файл портфолио приложен" in page.text
    assert 'data-remaining' not in page.text  # no time limit
    assert hand_in(station, "диплом.pdf").status_code == 303
    assert ExamAttempt.get(ExamAttempt.member == member.id).stage == "portfolio"


def test_theory_candidate_is_not_given_a_practical_task(practice, factory):
    _, (member,) = practice.exam.started_group("Соколов Дмитрий Олегович")  # a theory group
    web = practice.browser()
    web.get("/kiosk")
    web.post("/kiosk", {"code": member.access_code})
    assert web.get(TAKE).status_code == 404
    assert not ExamAttempt.select().where(ExamAttempt.member == member.id).exists()
