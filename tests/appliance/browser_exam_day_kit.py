"""Reference data and helpers for the exam-day browser test (test_browser_exam_day.py).

Not a conftest: the test imports what it needs by name. What an operator set up long before
exam day (СПК, ЦОК with its profile, venue, a КОС, certified experts, a started theory group
of three admitted candidates with access codes) is made here through the models before
gunicorn starts; everything the test is about goes through the pages.

The theory answers are typed and clicked like a candidate would, from the attempt's key read
in the database; the expected ведомость rows are scored here again, independently of the
theory plugin, from that key and the stored answers.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Iterator

from playwright.sync_api import expect

from core.documents.testing import COK_PROFILE, VENUE_PROFILE
from core.models import GroupMember, OrgKind, Role, User
from core.testing import Factory
from core.testing_browser import new_page as browser_page
from core.testing_browser import notice, submit, watch  # noqa: F401 (used by the test module)
from core.testing_browser import sign_in as browser_sign_in
from core.testing_exam import ExamDayWorld, kos_document

# SMALL_KOS with both sections drawn whole: every candidate gets all six widget types (8 questions).
PASS_POINTS = 6


def exam_day_kos() -> dict[str, Any]:
    kos = kos_document()
    kos["theory"]["specification"] = {"time_limit_minutes": 30, "pass_points": PASS_POINTS,
                                      "draw": [{"section": "s1", "count": 4}, {"section": "s2", "count": 4}]}
    return kos


@dataclass
class Candidate:
    """One candidate of the started theory group: «A» answers all right, «B» reloads, «C» runs out of time."""

    name: str
    member_id: int
    application_id: int
    code: str
    practice_code: str = ""
    page: Any = None  # the Playwright page of their exam station


@dataclass
class ExamDay:
    world: ExamDayWorld
    operator: User
    chair: User
    member: User
    theory_group_id: int
    candidates: dict[str, Candidate] = field(default_factory=dict)

    @property
    def qualification(self):
        return self.world.qual


NAMES = {"A": "Андреев Николай Викторович", "B": "Борисова Екатерина Сергеевна", "C": "Цветков Игорь Павлович"}


def build_exam_day(factory: Factory) -> ExamDay:
    """СПК → ЦОК (full profile) → venue; a КОС; chair and member certified; a theory group started now."""
    spk = factory.org(OrgKind.SPK, full_name="Совет по профессиональным квалификациям в области безопасности труда",
                      short_name="СПК Безопасность труда")
    cok = factory.org(OrgKind.COK, spk, **COK_PROFILE)
    venue = factory.org(OrgKind.VENUE, cok, **VENUE_PROFILE)
    chair = factory.user(Role.EXPERT, spk, email="gromov@spk-bt.ru", full_name="Громов Виктор Павлович")
    member = factory.user(Role.EXPERT, spk, email="ershova@spk-bt.ru", full_name="Ершова Лидия Андреевна")
    world = ExamDayWorld(factory, cok, venue, kos=exam_day_kos(), chair=chair, member=member)
    operator = factory.user(Role.OPERATOR, cok, email="vasiliev@cok-ot.ru", full_name="Васильев Максим Игоревич")
    group, members = world.started_group(*NAMES.values(), duration_minutes=60)
    day = ExamDay(world, operator, chair, member, group.id)
    for letter, m in zip(NAMES, members):
        day.candidates[letter] = Candidate(NAMES[letter], m.id, m.application_id, m.access_code)
    return day


@contextlib.contextmanager
def database(services) -> Iterator[None]:
    """The test's own short connection to the appliance's database while gunicorn runs."""
    services.db.connect(reuse_if_open=True)
    try:
        yield
    finally:
        services.db.close()


def practice_code(services, member_id: int) -> str:
    with database(services):
        return GroupMember.get_by_id(member_id).access_code


# --- browser plumbing --------------------------------------------------------------------------

def new_page(browser, who: str, problems: list[str], dialogs: list[str] | None = None):
    """A fresh browser at the stations' screen size (1366×900)."""
    return browser_page(browser, who, problems, dialogs, viewport={"width": 1366, "height": 900})


def sign_in(browser, base: str, user: User, problems: list[str]):
    return browser_sign_in(browser, base, user.email, problems, viewport={"width": 1366, "height": 900})


def download(page, control) -> tuple[str, bytes]:
    """Click a download link; (suggested file name, bytes)."""
    with page.expect_download() as info:
        control.click()
    with open(info.value.path(), "rb") as handle:
        return info.value.suggested_filename, handle.read()


def draw_signature(page, url: str) -> str:
    """Draw a signature with the mouse on the page's pad and save it; returns the notice."""
    page.goto(url)
    box = page.locator("[data-signature-pad] canvas").bounding_box()
    page.mouse.move(box["x"] + 40, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    for step in range(1, 25):
        page.mouse.move(box["x"] + 40 + step * 18, box["y"] + box["height"] * (0.7 - 0.4 * ((step % 6) / 6)))
    page.mouse.up()
    submit(page, page.locator("[data-signature-form] button[type=submit]"))
    text = notice(page)
    assert page.locator("[data-testid=facsimile]").evaluate("img => img.naturalWidth") > 0
    return text


# --- the theory test: answers as the candidate gives them ----------------------------------------

def right_answer(q: dict) -> Any:
    """The fully right response (stored shape, docs/kos-format.md) from the question's key."""
    key = q["key"]
    return {"single": lambda: key["correct"], "multiple": lambda: sorted(key["correct"]),
            "matching": lambda: dict(key["pairs"]), "ordering": lambda: list(key["order"]),
            "text": lambda: key["answers"][-1].capitalize(),
            "number": lambda: f"{key['answer']}".replace(".", ",")}[q["type"]]()


def wrong_answer(q: dict) -> Any:
    """A plausible but wrong response of the same shape."""
    key = q["key"]
    if q["type"] == "single":
        return next(o["id"] for o in q["options"] if o["id"] != key["correct"])
    if q["type"] == "multiple":
        return sorted([*key["correct"][:1], *(o["id"] for o in q["options"] if o["id"] not in key["correct"])][:2])
    if q["type"] == "matching":
        lefts = list(key["pairs"])
        return {left: key["pairs"][lefts[(i + 1) % len(lefts)]] for i, left in enumerate(lefts)}
    if q["type"] == "ordering":
        return list(reversed(key["order"]))
    if q["type"] == "text":
        return "журнал инструктажа"
    return "5"


def _texts(items: list[dict]) -> dict[str, str]:
    return {item["id"]: item["text"] for item in items}


def question_form(page, q: dict):
    return page.locator(f"form[data-question='{q['id']}']")


def give_answer(page, q: dict, value: Any) -> None:
    """Click, pick or type `value` into the question's widgets like a candidate, then wait for «Сохранено»."""
    form = question_form(page, q)
    kind = q["type"]
    if kind == "single":
        form.get_by_label(_texts(q["options"])[value], exact=True).check()
    elif kind == "multiple":
        for option in q["options"]:
            box = form.get_by_label(option["text"], exact=True)
            box.set_checked(option["id"] in value)
    elif kind == "matching":
        lefts, rights = _texts(q["left"]), _texts(q["right"])
        for left_id, right_id in value.items():
            form.get_by_label(f"Соответствие для «{lefts[left_id]}»").select_option(label=rights[right_id])
    elif kind == "ordering":
        items = _texts(q["items"])
        for place, item_id in enumerate(value, 1):
            form.get_by_label(f"Место пункта «{items[item_id]}»").select_option(str(place))
    else:
        form.locator("input[name=value]").fill(value)
    expect(form.locator("[data-save-state]")).to_have_text("Сохранено")


def shown_answer(page, q: dict) -> Any:
    """What the page shows as the question's answer (after a reload), in the stored shape."""
    form = question_form(page, q)
    kind = q["type"]
    if kind == "single":
        return form.locator("input[name=value]:checked").get_attribute("value")
    if kind == "multiple":
        return sorted(form.locator("input[name=value]:checked").evaluate_all("boxes => boxes.map(b => b.value)"))
    if kind == "matching":
        return {s.get_attribute("name")[5:]: s.input_value() for s in form.locator("select").all() if s.input_value()}
    if kind == "ordering":
        places = {s.get_attribute("name")[6:]: int(s.input_value()) for s in form.locator("select").all()}
        return sorted(places, key=places.get)
    return form.locator("input[name=value]").input_value()


def same_answer(q: dict, stored: Any, intended: Any) -> bool:
    if q["type"] == "multiple":
        return sorted(stored) == sorted(intended)
    return stored == intended


# --- scoring again, independently of the theory plugin ------------------------------------------

def _number(text: Any) -> Decimal | None:
    try:
        return Decimal(str(text).replace(" ", "").replace(",", "."))
    except InvalidOperation:
        return None


def is_right(q: dict, value: Any) -> bool:
    key = q["key"]
    if q["type"] == "multiple":
        return sorted(value) == sorted(key["correct"])
    if q["type"] == "single":
        return value == key["correct"]
    if q["type"] == "matching":
        return value == key["pairs"]
    if q["type"] == "ordering":
        return value == key["order"]
    if q["type"] == "text":
        simple = " ".join(str(value).lower().replace("ё", "е").split())
        return simple in {" ".join(a.lower().replace("ё", "е").split()) for a in key["answers"]}
    given = _number(value)
    return given is not None and abs(given - Decimal(str(key["answer"]))) <= Decimal(str(key["tolerance"]))


def expected_row(questions: list[dict], answers: dict[str, Any]) -> dict[str, Any]:
    """answered / correct / points of the ведомость for one candidate."""
    given = {q["id"]: answers[q["id"]] for q in questions if answers.get(q["id"]) not in (None, "", [], {})}
    right = [q for q in questions if q["id"] in given and is_right(q, given[q["id"]])]
    points = sum((Decimal(str(q["points"])) for q in right), Decimal(0))
    total = sum((Decimal(str(q["points"])) for q in questions), Decimal(0))
    return {"answered": len(given), "total": len(questions), "correct": len(right), "points": points,
            "max_points": total, "passed": points >= PASS_POINTS}


def shown_number(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}".replace(".", ",")


def sheet_line(pdf_text: str, name: str, next_name: str | None) -> str:
    """The ведомость row of `name`: the text from the name up to the next candidate's name."""
    start = pdf_text.index(name)
    end = pdf_text.index(next_name, start) if next_name else pdf_text.index("Время указано", start)
    return pdf_text[start:end]


def sheet_row_pattern(row: dict[str, Any]) -> re.Pattern:
    """«… 8 из 8 8 8 из 8 6 Теория сдана допущен»: answered, correct, points, threshold, result, admission."""
    result = "Теория сдана допущен" if row["passed"] else "Теория не сдана не допущен"
    return re.compile(rf"{row['answered']} из {row['total']} {row['correct']} {shown_number(row['points'])} из "
                      rf"{shown_number(row['max_points'])} {PASS_POINTS} {result}")


# --- the practical task's result ----------------------------------------------------------------

def result_report_pdf(author: str) -> bytes:
    """The candidate's practical result: a one-page PDF report made with WeasyPrint."""
    from weasyprint import HTML

    html = (f"<html lang='ru'><body><h1>Оценка профессиональных рисков: участок ручной дуговой сварки</h1>"
            f"<p>Исполнитель: {author}</p><ol><li>Опасность поражения электрическим током — высокий риск.</li>"
            "<li>Вредные вещества сварочного аэрозоля — средний риск.</li>"
            "<li>Меры: местная вытяжная вентиляция, СИЗ органов дыхания, проверка изоляции.</li></ol></body></html>")
    return HTML(string=html).write_pdf()


def exam_time_ahead(minutes: int = 15) -> dt.datetime:
    """A group time a little ahead of the server's wall clock (the form refuses a past time)."""
    return (dt.datetime.now() + dt.timedelta(minutes=minutes)).replace(second=0, microsecond=0)
