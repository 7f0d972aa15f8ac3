"""The people of the demo exam day and what they leave on paper: candidates, signatures, result files.

Candidates are fictional but complete enough for every page and document that names them:
ФИО, login, phone, date of birth and a СНИЛС with a correct check number (computed here and
checked again with `core.validators`). Experts and signers get a drawn facsimile — a
handwriting-like stroke made with Pillow from a seed, so it is the same on every run — and a
candidate of the practical stage hands in a one-page PDF of their work.
"""
from __future__ import annotations

import base64
import datetime as dt
import io
import math
import random
from dataclasses import dataclass

from core.validators import validate_snils


@dataclass(frozen=True)
class Candidate:
    full_name: str
    email: str
    phone: str

    @property
    def parts(self) -> tuple[str, str, str]:
        last, first, middle = (self.full_name.split() + ["", ""])[:3]
        return last, first, middle


def _c(full_name: str, login: str, phone: str) -> Candidate:
    return Candidate(full_name, f"{login}@demo.nok", phone)


# Theory a week ago: fifteen candidates of ООО «ЦОК «Охрана труда» at ЭЦ «Нижегородская».
WEEK_AGO = [
    _c("Абрамов Игорь Валентинович", "abramov.iv", "+7 (916) 210-45-17"),
    _c("Белякова Татьяна Сергеевна", "belyakova.ts", "+7 (925) 318-02-64"),
    _c("Воронцов Андрей Павлович", "vorontsov.ap", "+7 (903) 441-87-20"),
    _c("Гаврилова Екатерина Олеговна", "gavrilova.eo", "+7 (977) 105-33-91"),
    _c("Давыдов Руслан Маратович", "davydov.rm", "+7 (915) 662-48-05"),
    _c("Ершова Наталья Викторовна", "ershova.nv", "+7 (926) 730-19-58"),
    _c("Жуков Станислав Игоревич", "zhukov.si", "+7 (985) 274-61-33"),
    _c("Захарова Юлия Александровна", "zakharova.ya", "+7 (916) 583-20-47"),
    _c("Ильин Константин Дмитриевич", "ilin.kd", "+7 (903) 917-36-12"),
    _c("Карпова Анна Евгеньевна", "karpova.ae", "+7 (925) 046-72-89"),
    _c("Лаптев Олег Николаевич", "laptev.on", "+7 (968) 351-90-26"),
    _c("Мухаметшина Гульнара Рашитовна", "mukhametshina.gr", "+7 (917) 488-15-70"),
    _c("Носков Виталий Андреевич", "noskov.va", "+7 (999) 620-57-43"),
    _c("Осипова Марина Юрьевна", "osipova.my", "+7 (915) 207-84-36"),
    _c("Прохоров Денис Сергеевич", "prokhorov.ds", "+7 (926) 815-43-02"),
]
# Theory on the last working day.
LAST_DAY = [
    _c("Родионова Светлана Игоревна", "rodionova.si", "+7 (916) 734-26-81"),
    _c("Семёнов Артур Вадимович", "semenov.av", "+7 (903) 582-61-07"),
    _c("Тарасова Ольга Петровна", "tarasova.op", "+7 (977) 413-95-28"),
    _c("Ульянов Михаил Борисович", "ulyanov.mb", "+7 (925) 690-14-53"),
    _c("Филиппов Евгений Александрович", "filippov.ea", "+7 (985) 127-38-64"),
]
# Theory today (with the demo login applicant1@demo.nok, who is in `appliance.demo.APPLICANTS`).
TODAY = [
    _c("Харитонова Дарья Михайловна", "kharitonova.dm", "+7 (916) 905-62-18"),
    _c("Цветков Роман Ильич", "tsvetkov.ri", "+7 (903) 276-40-95"),
    _c("Шестакова Вера Анатольевна", "shestakova.va", "+7 (968) 534-81-27"),
    _c("Щербаков Глеб Викторович", "shcherbakov.gv", "+7 (915) 843-07-59"),
]


# --- personal data -----------------------------------------------------------------------------

def snils(first_nine: str) -> str:
    """СНИЛС: 9 digits + check number (Σ digit × (9 − position) mod 101, 100 → 00)."""
    assert len(first_nine) == 9 and first_nine.isdigit()
    total = sum(int(d) * (9 - i) for i, d in enumerate(first_nine))
    check = total if total < 100 else (0 if total in (100, 101) else total % 101 % 100)
    return validate_snils(f"{first_nine}{check:02d}")


def personal_data(person: Candidate, today: dt.date) -> dict:
    """The snapshot an application keeps of the cabinet (`applicant_profile.snapshot` keys used by pages)."""
    rng = random.Random(f"nok-demo-person:{person.email}")
    last, first, middle = person.parts
    born = today - dt.timedelta(days=rng.randint(28 * 365, 56 * 365))
    return {"last_name": last, "first_name": first, "middle_name": middle or None, "no_middle_name": not middle,
            "full_name": person.full_name, "email": person.email, "phone": person.phone,
            "birth_date": born.isoformat(), "snils": snils(f"{rng.randint(100_000_000, 199_999_999)}")}


# --- a drawn signature -------------------------------------------------------------------------

def signature_png(name: str) -> bytes:
    """A handwriting-like signature: a tall capital loop, small loops (a prolate cycloid), a flourish."""
    from PIL import Image, ImageDraw

    rng = random.Random(f"nok-demo-signature:{name}")
    loops = rng.randint(3, 5)
    sizes = [26.0] + [rng.uniform(9.0, 14.0) for _ in range(loops)]  # loop radius per letter
    slant = rng.uniform(0.15, 0.35)
    points: list[tuple[float, float]] = []
    for step in range(int(2 * math.pi * (loops + 1) / 0.08)):
        t = step * 0.08
        b = sizes[min(int(t / (2 * math.pi)), loops)]
        y = -1.6 * b * math.cos(t) - (18 if b == sizes[0] else 0)
        points.append((7.5 * t - b * math.sin(t) - slant * y, y))
    end_x, end_y = points[-1]
    for step in range(50):  # the flourish: back under the name
        s = step / 49
        points.append((end_x - s * end_x * 0.85, end_y + 30 + 12 * math.sin(s * math.pi)))
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    width, height, pad = 360, 120, 10
    scale = min((width - 2 * pad) / (max(xs) - min(xs)), (height - 2 * pad) / (max(ys) - min(ys)))
    line = [(pad + (x - min(xs)) * scale, pad + (y - min(ys)) * scale) for x, y in points]
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    ImageDraw.Draw(image).line(line, fill=(24, 34, 112, 255), width=3, joint="curve")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def signature_data_url(name: str) -> str:
    """The signature as the «Ваша подпись» pad posts it."""
    return "data:image/png;base64," + base64.b64encode(signature_png(name)).decode("ascii")


# --- what a candidate hands in at the practical stage ------------------------------------------

# Rows of the table a candidate fills in, per task of the demo КОС (risk register / Н-1 draft).
_WORK = {
    "t1": (("Опасность", "Уровень риска", "Меры по снижению"), (
        ("Падение с приставной лестницы при обслуживании задвижек", "3 × 4 = 12, высокий",
         "Площадка обслуживания с ограждением вместо лестницы"),
        ("Шум 85 дБА (подкласс 3.1)", "4 × 2 = 8, средний", "Кожухи насосов, противошумные наушники"),
        ("Подъём деталей массой до 30 кг вручную", "3 × 3 = 9, средний", "Кран-балка, обучение строповке"),
        ("Поражение током от ручного электроинструмента", "2 × 4 = 8, средний",
         "Инструмент класса II, УЗО, проверка перед выдачей"))),
    "t2": (("Раздел акта Н-1", "Содержание", "Основание"), (
        ("Комиссия", "Специалист по охране труда, представитель работодателя, уполномоченный по охране труда",
         "ст. 229 ТК РФ"),
        ("Срок расследования", "3 календарных дня", "ст. 229.1 ТК РФ"),
        ("Причины", "Неудовлетворительная организация работ: уборка прохода не проводилась, разлив не огорожен",
         "Классификатор причин, приказ № 223н"),
        ("Мероприятия", "График уборки с контролем мастера, сорбент и ограждения на складе",
         "Предложения комиссии"))),
}


def result_docx(person: Candidate, task: dict) -> bytes:
    """The candidate's work on their task as a Word document (the file the commission reviews)."""
    from docx import Document

    head, rows = _WORK.get(task.get("id"), _WORK["t1"])
    document = Document()
    document.add_heading(task.get("title", ""), level=1)
    document.add_paragraph(f"Выполнил(а): {person.full_name}")
    table = document.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, head):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row):
            cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
