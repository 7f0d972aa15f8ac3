"""What the employer's browser journey needs besides the browser (`test_browser_employer_flow.py`).

The ЦОК's catalogue and requisites are made before gunicorn starts. The steps that belong to
other people — each employee fills their own cabinet, gives their own consent and sends the
application the employer created; the ЦОК accepts the documents and issues the group invoice,
for which there is no page yet — run through the services between browser steps, as those
people's own actions (`audit.acting_as`), never by writing statuses directly.
"""
from __future__ import annotations

import datetime as dt
import functools
import io
import re
import time
from dataclasses import dataclass
from decimal import Decimal

import cv2
import numpy as np

from core.demo_data import SBER_MOSCOW, inn10, ogrn13, settlement_account
from core import audit
from core.models import (Application, ApplicantProfile, ExamSlot, Invoice, Price, ProfStandard,
                         Qualification, QualificationOffer, User)
from core.services import applicant_profile as profiles
from core.services import application_forms as forms
from core.services import billing, organisations, review
from core.services.documents import DEFAULT_REQUIRED_KINDS, add_cabinet_document, set_profile_photo
from core.workflow import Status

PRICE = Decimal("9000.00")
MAX_BYTES = 20 * 1024 * 1024

# Registration of a legal entity (ИНН, ОГРН with correct check digits).
EMPLOYER = {
    "email": "director@alliance-stroy.ru", "full_name": "Общество с ограниченной ответственностью «Альянс-Строй»",
    "short_name": "ООО «Альянс-Строй»", "inn": inn10("503212345"), "kpp": "503201001",
    "ogrn": ogrn13("115503212345"), "phone": "8 (495) 763-52-40", "head_name": "Смирнов Алексей Петрович",
    "head_position": "Генеральный директор",
}
EMPLOYER_PASSWORD = "Надёжный-пароль-2026"
# «Данные организации» the contract and invoice need besides the registration.
EMPLOYER_PROFILE = {
    "bank_name": SBER_MOSCOW.name, "bik": SBER_MOSCOW.bik, "corr_account": SBER_MOSCOW.corr_account,
    "settlement_account": settlement_account(SBER_MOSCOW.bik, "40702", "38000054321"),
    "legal_address": "143084, Московская обл., г. Одинцово, ул. Молодёжная, д. 3",
    "authority_document": "Устав", "accountant_name": "Кузина Вера Павловна",
    "hr_head_name": "Орлова Ирина Сергеевна", "contact_name": "Морозова Елена Викторовна",
}
# The employees: ФИО, email, СНИЛС (valid check numbers).
STAFF = (
    ("Петрова Наталья Валентиновна", "petrova@alliance-stroy.ru", "112-233-445 95"),
    ("Сидоров Олег Иванович", "sidorov@alliance-stroy.ru", "087-654-303 00"),
    ("Ким Анна Сергеевна", "kim@alliance-stroy.ru", "123-456-789 64"),
)
CENTRE_PROFILE = {
    "full_name": "ООО «Центр оценки квалификаций «Профи»", "short_name": "ЦОК «Профи»",
    "inn": inn10("772241583"), "kpp": "772201001", "ogrn": ogrn13("117774631845"),
    "legal_address": "109147, г. Москва, ул. Марксистская, д. 22", "actual_same_as_legal": "on",
    "bank_name": SBER_MOSCOW.name, "bik": SBER_MOSCOW.bik, "corr_account": SBER_MOSCOW.corr_account,
    "settlement_account": settlement_account(SBER_MOSCOW.bik, "40702", "38000012345"),
    "head_name": "Петров Сергей Николаевич", "head_position": "Генеральный директор",
    "contract_preamble": "ООО «ЦОК «Профи» в лице генерального директора Петрова Сергея Николаевича, "
                         "действующего на основании Устава",
    "email": "info@profi-cok.ru",
}


@dataclass
class Catalogue:
    standard: ProfStandard
    qualification: Qualification
    nine: ExamSlot  # 09:00, two seats: the third employee finds it full
    eleven: ExamSlot  # 11:00, five seats

    @property
    def exam_day(self) -> dt.date:
        return self.nine.starts_at.date()


def prepare_centre(orgs, people) -> Catalogue:
    """ЦОК «Профи» with requisites, a price and two exam times at «Площадка «Север»» in ten days."""
    cok = orgs["cok"]
    with audit.acting_as(audit.Actor(people["cok_admin"].id, people["cok_admin"].email)):
        organisations.update_profile(people["cok_admin"], cok, CENTRE_PROFILE)
    standard = ProfStandard.create(code="40.054", name="Специалист в области охраны труда")
    qualification = Qualification.create(spk=orgs["spk"], prof_standard=standard, code="40.05400.01",
                                         name="Специалист по охране труда", level=6)
    QualificationOffer.create(cok=cok, qualification=qualification)
    Price.create(cok=cok, qualification=qualification, amount=PRICE)
    day = dt.date.today() + dt.timedelta(days=10)
    make = functools.partial(ExamSlot.create, venue=orgs["venue"], qualification=qualification)
    return Catalogue(standard, qualification, make(starts_at=dt.datetime.combine(day, dt.time(9)), seats=2),
                     make(starts_at=dt.datetime.combine(day, dt.time(11)), seats=5))


# --- files ------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@functools.lru_cache(maxsize=None)
def photo_jpeg() -> bytes:
    photo = np.full((400, 300, 3), 180, np.uint8)
    cv2.circle(photo, (150, 170), 90, (120, 140, 200), -1)
    return cv2.imencode(".jpg", photo)[1].tobytes()


# --- mail -------------------------------------------------------------------------------------

def letters_to(smtp, recipient: str, count: int, timeout: float = 10.0) -> list[str]:
    """Bodies of the letters to `recipient` once `count` have arrived (the SMTP sink gets all of them)."""
    deadline = time.monotonic() + timeout
    while True:
        bodies = [smtp.body(m) for m in list(smtp.messages) if m["To"] == recipient]
        if len(bodies) >= count or time.monotonic() > deadline:
            assert len(bodies) >= count, f"писем для {recipient}: {len(bodies)}, ожидалось {count}"
            return bodies
        time.sleep(0.05)


def link_path(body: str) -> str:
    """The path of the one-time link in a letter (the configured base URL is not the test server's)."""
    return re.search(r"(/password/set\?token=\S+)", body).group(1)


# --- other people's steps, through the services ------------------------------------------------

def _personal(application: Application) -> dict[str, str]:
    last, first, middle = application.full_name.split()
    return {"last_name": last, "first_name": first, "middle_name": middle, "birth_date": "1985-04-12",
            "snils": application.snils, "passport_series": "4506", "passport_number": "123456",
            "passport_issued_by": "ОВД района Арбат г. Москвы", "passport_issue_date": "2010-05-20",
            "passport_division_code": "770-001", "registration_address": "г. Москва, ул. Арбат, д. 1",
            "phone": "+7 916 000-11-22", "consent_accuracy": "on", "consent_pd": "on"}


def employee_sends(services, application: Application) -> Application:
    """The employee's own part in their cabinet: personal data and consent, photo, scans, «Отправить»."""
    user = User.get_by_id(application.applicant_id)
    with audit.acting_as(audit.Actor(user.id, user.email)):
        profile = ApplicantProfile.get(ApplicantProfile.user == user)
        profiles.save_personal_data(profile, _personal(application))
        set_profile_photo(profile, io.BytesIO(photo_jpeg()), "фото.jpg", services.blobs, max_bytes=MAX_BYTES)
        documents = [add_cabinet_document(user, kind, io.BytesIO(pdf_bytes()), f"{kind.value}.pdf", services.blobs,
                                          max_bytes=MAX_BYTES) for kind in DEFAULT_REQUIRED_KINDS]
        form = forms.ApplicationForm(venue=str(application.venue_id), qualification=str(application.qualification_id),
                                     payer="employer", employer=str(application.employer_id),
                                     documents=[str(d.id) for d in documents])
        draft = forms.save_draft(user, form, Application.get_by_id(application.id))
        return forms.send_application(user, draft, services.plugins, consent_accuracy=True, consent_pd=True,
                                      ack_quality=True)


def centre_accepts(services, staff: User, application: Application) -> Invoice:
    """The ЦОК accepts every document; «Сформировать договор и счёт» joins the group's invoice."""
    with audit.acting_as(audit.Actor(staff.id, staff.email)):
        application = Application.get_by_id(application.id)
        review.review_documents(staff, application, {d.id: ("accepted", "") for d in application.documents})
        return billing.issue_contract_and_invoice(application, staff, services.blobs, services.plugins)


def issue_group_invoice(services, staff: User, group) -> Invoice:
    with audit.acting_as(audit.Actor(staff.id, staff.email)):
        return billing.issue_group_invoice(group, staff, services.blobs, services.plugins)


def statuses(applications) -> set[str]:
    return {Status(Application.get_by_id(a.id).status).title for a in applications}

