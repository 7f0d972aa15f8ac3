"""Reference data and files for the end-to-end browser flow (test_browser_applicant_flow.py).

Not a conftest: the test imports what it needs by name. Everything the applicant and the ЦОК
do in the flow goes through the pages; only what an operator would have set up long before
(СПК, ЦОК with requisites and a price, its venue, exam times, certified experts, staff) is made
here directly through the models, before gunicorn starts.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from decimal import Decimal

import cv2
import numpy as np

from core.documents.testing import COK_PROFILE, VENUE_PROFILE
from core.models import (ExamSlot, ExpertCertificate, Organisation, OrgKind, Price, ProfStandard, Qualification,
                         QualificationOffer, Role, User)
from core.testing import Factory

EXAM_DAYS_AHEAD = 5
EXAM_TIME = dt.time(10, 0)
PRICE = Decimal("15200.50")
SET_PASSWORD_LINK = re.compile(r"https?://[^/\s]+(/password/set\?token=[\w-]+)")


@dataclass
class FlowWorld:
    cok: Organisation
    venue: Organisation
    qualification: Qualification
    operator: User
    chair: User
    expert: User
    exam_day: dt.date

    @property
    def qualification_label(self) -> str:
        """The option text of the wizard's «Квалификация» list."""
        return f"{self.qualification.code} {self.qualification.title}"


def build_world(factory: Factory) -> FlowWorld:
    """СПК → ЦОК (full requisites, a price) → venue with exam times; two certified experts; an operator."""
    spk = factory.org(OrgKind.SPK, full_name="Совет по профессиональным квалификациям в области безопасности труда",
                      short_name="СПК Безопасность труда")
    cok = factory.org(OrgKind.COK, spk, **COK_PROFILE)
    venue = factory.org(OrgKind.VENUE, cok, **VENUE_PROFILE)
    standard = ProfStandard.create(code="40.054", name="Специалист в области охраны труда")
    qualification = Qualification.create(spk=spk, prof_standard=standard, code="40.05400.01",
                                         name="Специалист по охране труда", level=6)
    QualificationOffer.create(cok=cok, qualification=qualification)
    Price.create(cok=cok, qualification=qualification, amount=PRICE)
    exam_day = dt.date.today() + dt.timedelta(days=EXAM_DAYS_AHEAD)
    for hour in (EXAM_TIME.hour, 14):  # the applicant picks the first
        ExamSlot.create(venue=venue, qualification=qualification,
                        starts_at=dt.datetime.combine(exam_day, dt.time(hour, 0)), seats=5)
    chair = factory.user(Role.EXPERT, spk, email="chair@spk-bt.ru", full_name="Громов Виктор Павлович")
    expert = factory.user(Role.EXPERT, spk, email="expert@spk-bt.ru", full_name="Ершова Лидия Андреевна")
    for person in (chair, expert):
        ExpertCertificate.create(expert=person, qualification=qualification,
                                 valid_from=dt.date.today() - dt.timedelta(days=200),
                                 valid_to=dt.date.today() + dt.timedelta(days=500), protocol_number="12",
                                 protocol_date=dt.date.today() - dt.timedelta(days=201))
    operator = factory.user(Role.OPERATOR, cok, email="operator@cok-ot.ru", full_name="Васильев Максим Игоревич")
    return FlowWorld(cok, venue, qualification, operator, chair, expert, exam_day)


# --- files the applicant uploads ---------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def scan(label: str) -> bytes:
    """A crisp, evenly lit page of text as JPEG (no scan-quality warning); `label` makes it unique."""
    page = np.full((1100, 780), 242, np.uint8)
    cv2.putText(page, label, (40, 70), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 15, 3)
    for line in range(1, 29):
        cv2.putText(page, f"{label[:12]} 45 12 345678 STROKA {line:02d}", (40, 70 + line * 35),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.75, 25, 2)
    return cv2.imencode(".jpg", page, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes()


@functools.lru_cache(maxsize=None)
def portrait() -> bytes:
    photo = np.full((480, 360, 3), 215, np.uint8)
    cv2.ellipse(photo, (180, 200), (95, 120), 0, 0, 360, (110, 140, 190), -1)
    cv2.rectangle(photo, (70, 330), (290, 480), (60, 60, 90), -1)
    return cv2.imencode(".jpg", photo)[1].tobytes()


def file_payload(name: str, data: bytes, mime: str) -> dict:
    """What Playwright's `set_input_files` takes for a file made in memory."""
    return {"name": name, "mimeType": mime, "buffer": data}


# --- the bank ----------------------------------------------------------------------------------

def statement_1c(*, account: str, invoice_number: str, amount: Decimal, payer: str, order_number: str = "581",
                 day: dt.date | None = None) -> bytes:
    """A 1CClientBankExchange statement (cp1251, CRLF) with one incoming payment for the invoice."""
    on = f"{(day or dt.date.today()):%d.%m.%Y}"
    total = f"{amount:.2f}"
    lines = [
        "1CClientBankExchange", "ВерсияФормата=1.03", "Кодировка=Windows", "Отправитель=Бухгалтерия предприятия",
        "Получатель=", f"ДатаСоздания={on}", "ВремяСоздания=18:02:11", f"ДатаНачала={on}", f"ДатаКонца={on}",
        f"РасчСчет={account}", "Документ=Платежное поручение",
        "СекцияРасчСчет", f"ДатаНачала={on}", f"ДатаКонца={on}", f"РасчСчет={account}",
        "НачальныйОстаток=0.00", f"ВсегоПоступило={total}", "ВсегоСписано=0.00", f"КонечныйОстаток={total}",
        "КонецРасчСчет",
        "СекцияДокумент=Платежное поручение", f"Номер={order_number}", f"Дата={on}", f"Сумма={total}",
        "ПлательщикСчет=40817810200000000777", f"ДатаСписано={on}", f"Плательщик={payer}",
        "ПлательщикИНН=", f"Плательщик1={payer}", "ПлательщикРасчСчет=40817810200000000777",
        "ПлательщикБанк1=АО «Т-Банк»", "ПлательщикБИК=044525974", "ПлательщикКорсчет=30101810145250000974",
        f"ПолучательСчет={account}", f"ДатаПоступило={on}", f"Получатель={COK_PROFILE['short_name']}",
        f"ПолучательИНН={COK_PROFILE['inn']}", f"Получатель1={COK_PROFILE['short_name']}",
        f"ПолучательРасчСчет={account}", f"ПолучательБанк1={COK_PROFILE['bank_name']}",
        f"ПолучательБИК={COK_PROFILE['bik']}", f"ПолучательКорсчет={COK_PROFILE['corr_account']}",
        "ВидОплаты=01", "Очередность=5",
        f"НазначениеПлатежа=Оплата по счёту № {invoice_number} за профессиональный экзамен. НДС не облагается",
        "КонецДокумента", "КонецФайла",
    ]
    return ("\r\n".join(lines) + "\r\n").encode("cp1251")


def rub_to_decimal(text: str) -> Decimal:
    """«15 200,50 ₽» (with non-breaking spaces) → Decimal('15200.50')."""
    digits = "".join(ch for ch in text if ch.isdigit() or ch == ",")
    return Decimal(digits.replace(",", "."))
