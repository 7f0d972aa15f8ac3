"""Приказ о проведении НОК: number and date, exam, commission with its chair, candidates, signer, facsimile."""
import datetime as dt
import io
import statistics
import time

import pytest
from pypdf import PdfReader

from core.documents.exam_order import render_exam_order_pdf
from core.documents.pdf import _weasy
from core.documents.testing import make_billing_world, make_exam_group, pdf_text, sample_facsimile_png
from core.exceptions import ValidationError
from core.models import Application, Role
from core.models.exams import GROUP_PRACTICE, Admission
from core.workflow import Status


@pytest.fixture
def world(sqlcipher_db, factory):
    return make_billing_world(factory)


@pytest.fixture
def experts(world, factory):
    return [factory.user(Role.EXPERT, world.spk, full_name=name)
            for name in ("Тихонова Людмила Аркадьевна", "Григорьев Виктор Степанович", "Абрамов Олег Ильич")]


def another_candidate(world, factory, name: str, number: str) -> Application:
    user = factory.user(Role.APPLICANT, full_name=name)
    return Application.create(number=number, applicant=user, cok=world.cok, venue=world.venue,
                              qualification=world.qualification, status=Status.EXAM_SCHEDULED.value, full_name=name)


def images(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_order_lists_exam_commission_and_candidates(world, factory, experts):
    zaitseva = another_candidate(world, factory, "Зайцева Анна Сергеевна", "З-2026-00051")
    refused = another_candidate(world, factory, "Борисов Глеб Андреевич", "З-2026-00052")
    group = make_exam_group(world, [(experts[0], False), (experts[1], True), (experts[2], False)],
                            [zaitseva, world.application, refused])
    member = group.members.where(group.members.model.application == refused).get()
    member.admission, member.refusal_reason = Admission.REFUSED, "Не предъявлен паспорт"
    member.save()
    pdf = render_exam_order_pdf(group)
    text = pdf_text(pdf)
    for expected in (
        "Общество с ограниченной ответственностью «Центр оценки квалификаций «Охрана труда»",
        "ПРИКАЗ", "23 ноября 2026 г. № 17-НОК", "г. Москва",
        "О проведении независимой оценки квалификации в форме профессионального экзамена",
        "Федеральным законом от 03.07.2016 № 238-ФЗ", "ПРИКАЗЫВАЮ:",
        "Провести теоретический этап профессионального экзамена по квалификации «Специалист по охране труда "
        "(6 уровень квалификации)» (код 40.05400.01) 3 декабря 2026 г. в 10:00 продолжительностью 120 мин.",
        "Экзаменационный центр ООО «ЦОК «Охрана труда» на Нижегородской улице по адресу: 109052, г. Москва, "
        "Нижегородская ул., д. 32, корп. 4",
        "1 Григорьев Виктор Степанович председатель комиссии 2 Абрамов Олег Ильич член комиссии "
        "3 Тихонова Людмила Аркадьевна член комиссии",
        "согласно списку (2 чел.)",
        "1 Зайцева Анна Сергеевна З-2026-00051 2 Николаев Денис Олегович З-2026-00042",
        "Генеральный директор Петров С. Н.",
    ):
        assert expected in text, expected
    assert "Борисов" not in text
    assert images(pdf) == 0


def test_facsimile_is_placed_on_the_signature_line(world, experts):
    group = make_exam_group(world, [(experts[0], True)], [world.application], kind=GROUP_PRACTICE)
    pdf = render_exam_order_pdf(group, facsimile_png=sample_facsimile_png())
    assert images(pdf) == 1
    text = pdf_text(pdf)
    assert "Провести практический этап" in text
    assert "Генеральный директор Петров С. Н." in text


def test_signer_comes_from_the_profile(world, experts):
    world.cok.signer_name, world.cok.signer_position = "Морозова Елена Александровна", "Руководитель ЦОК"
    world.cok.save()
    group = make_exam_group(world, [(experts[0], True)], [world.application])
    assert "Руководитель ЦОК Морозова Е. А." in pdf_text(render_exam_order_pdf(group))


@pytest.mark.parametrize("fields, message", [
    ({"order_number": None}, "Укажите номер приказа."),
    ({"order_number": "", "order_date": None}, "Укажите номер приказа и дату приказа."),
])
def test_number_and_date_are_required(world, experts, fields, message):
    group = make_exam_group(world, [(experts[0], True)], [world.application], **fields)
    with pytest.raises(ValidationError) as caught:
        render_exam_order_pdf(group)
    assert str(caught.value) == message


def test_commission_needs_exactly_one_chair(world, experts):
    group = make_exam_group(world, [(experts[0], False), (experts[1], False)], [world.application])
    with pytest.raises(ValidationError, match="ровно один председатель"):
        render_exam_order_pdf(group)
    empty = make_exam_group(world, [], [world.application], starts_at=dt.datetime(2026, 12, 4, 10, 0))
    with pytest.raises(ValidationError, match="назначьте экспертную комиссию"):
        render_exam_order_pdf(empty)


def test_group_without_candidates_is_refused(world, experts):
    group = make_exam_group(world, [(experts[0], True)], [])
    with pytest.raises(ValidationError, match="хотя бы одного соискателя"):
        render_exam_order_pdf(group)


def test_signer_missing_from_profile(world, experts):
    world.cok.signer_name = world.cok.head_name = None
    world.cok.save()
    group = make_exam_group(world, [(experts[0], True)], [world.application])
    with pytest.raises(ValidationError) as caught:
        render_exam_order_pdf(group)
    assert str(caught.value) == "Заполните в профиле ЦОК: ФИО подписанта."


def test_facsimile_must_be_a_png(world, experts):
    group = make_exam_group(world, [(experts[0], True)], [world.application])
    with pytest.raises(ValidationError, match="PNG"):
        render_exam_order_pdf(group, facsimile_png=b"GIF89a not a png")


def test_one_page_renders_fast(world, experts):
    """The order costs a handful of trivial pages (~50 ms against ~12 ms here); a ratio, as the machine is shared."""
    from weasyprint import HTML

    css, fonts, fetcher = _weasy()
    group = make_exam_group(world, [(experts[0], True)], [world.application])
    render_exam_order_pdf(group)  # the first call parses the stylesheet and loads fonts

    def trivial_page():
        HTML(string="<p>Приказ</p>", url_fetcher=fetcher).write_pdf(stylesheets=[css], font_config=fonts)

    order, baseline = [], []
    for _ in range(5):
        for timings, work in ((order, lambda: render_exam_order_pdf(group)), (baseline, trivial_page)):
            started = time.perf_counter()
            work()
            timings.append(time.perf_counter() - started)
    ratio = statistics.median(order) / statistics.median(baseline)
    assert ratio < 20, f"order {statistics.median(order):.3f} s, trivial page {statistics.median(baseline):.3f} s"
