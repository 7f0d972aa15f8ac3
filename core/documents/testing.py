"""Ready-to-bill sample data for tests of documents, billing and payments (ours and plugins').

Builds, in the current test database, a ЦОК with a complete profile, its venue, an employer,
a qualification with a price, an applicant and an application «На рассмотрении» whose
documents are accepted. Names are fictional; every requisite carries a correct check digit
(see `core.validators`), so the documents look like real ones and the QR code is payable.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from core.models import (Application, ApplicationDocument, CommissionMember, ExamGroup, GroupApplication,
                         GroupApplicationRow, GroupMember, Invoice, Organisation, OrgKind, Price, ProfStandard,
                         Qualification, Role, User)
from core.models.applications import PAYER_EMPLOYER, PAYER_SELF, DocumentReview
from core.workflow import Status

if TYPE_CHECKING:
    from core.testing import Factory

COK_PROFILE = {
    "full_name": "Общество с ограниченной ответственностью «Центр оценки квалификаций «Охрана труда»",
    "short_name": "ООО «ЦОК «Охрана труда»", "registry_number": "77.031",
    "inn": "7722415832", "kpp": "772201001", "ogrn": "1177746318452",
    "phone": "+7 (495) 640-25-70", "email": "info@cok-ot.ru",
    "legal_address": "109147, г. Москва, ул. Марксистская, д. 22, стр. 1, офис 410", "actual_same_as_legal": True,
    "bank_name": "ПАО Сбербанк, г. Москва", "bik": "044525225", "settlement_account": "40702810938000012345",
    "corr_account": "30101810400000000225",
    "head_name": "Петров Сергей Николаевич", "head_position": "Генеральный директор",
    "authority_document": "Устав", "accountant_name": "Кириллова Вера Михайловна",
    "signer_name": "Петров Сергей Николаевич", "signer_position": "Генеральный директор",
    "contract_preamble": "Общество с ограниченной ответственностью «Центр оценки квалификаций «Охрана труда» "
                         "(ООО «ЦОК «Охрана труда»), именуемое в дальнейшем «Исполнитель», в лице генерального "
                         "директора Петрова Сергея Николаевича, действующего на основании Устава, с одной стороны",
}
VENUE_PROFILE = {
    "full_name": "Экзаменационный центр ООО «ЦОК «Охрана труда» на Нижегородской улице",
    "short_name": "ЭЦ «Нижегородская»", "inn": "7722415832", "kpp": "772243001",
    "legal_address": "109052, г. Москва, Нижегородская ул., д. 32, корп. 4",
}
EMPLOYER_PROFILE = {
    "full_name": "Общество с ограниченной ответственностью «УралСтройМонтаж»",
    "short_name": "ООО «УралСтройМонтаж»", "inn": "6658051936", "kpp": "665801001", "ogrn": "1206658045186",
    "legal_address": "620075, г. Екатеринбург, ул. Бажова, д. 79, офис 7",
    "actual_address": "620102, г. Екатеринбург, ул. Посадская, д. 21",
    "bank_name": "Филиал «Екатеринбургский» АО «Альфа-Банк», г. Екатеринбург", "bik": "046577964",
    "settlement_account": "40702810609100077001", "corr_account": "30101810100000000964",
    "head_name": "Волков Николай Петрович", "head_position": "Генеральный директор", "authority_document": "Устав",
    "accountant_name": "Медведева Оксана Игоревна", "phone": "+7 (343) 310-52-00", "email": "office@usm.ru",
}
APPLICANT_NAME = "Николаев Денис Олегович"
# The application's snapshot, as `core.services.applicant_profile.snapshot` writes it.
PERSONAL_DATA = {
    "last_name": "Николаев", "first_name": "Денис", "middle_name": "Олегович", "no_middle_name": False,
    "full_name": APPLICANT_NAME, "birth_date": "1988-04-17", "snils": "11223344595",
    "passport_series": "4512", "passport_number": "345678", "passport_issued_by": "ГУ МВД России по г. Москве",
    "passport_issue_date": "2019-06-05", "passport_division_code": "770-093",
    "registration_address": "115573, г. Москва, ул. Мусы Джалиля, д. 8, корп. 2, кв. 41",
    "email": "nikolaev@example.ru", "phone": "+7 (912) 604-33-18", "education": [], "work": [],
}
SNILS = "11223344595"


@dataclass
class BillingWorld:
    spk: Organisation
    cok: Organisation
    venue: Organisation
    employer: Organisation
    qualification: Qualification
    price: Price
    staff: User
    applicant: User
    application: Application


def make_qualification(spk: Organisation, code: str = "40.05400.01", name: str = "Специалист по охране труда",
                       level: int = 6) -> Qualification:
    """The qualification with `code` (created under `spk` the first time)."""
    standard, _ = ProfStandard.get_or_create(code="40.054", defaults={"name": "Специалист в области охраны труда"})
    qualification, _ = Qualification.get_or_create(
        code=code, defaults={"spk": spk, "prof_standard": standard, "name": name, "level": level})
    return qualification


def make_billing_world(factory: "Factory", *, payer: str = PAYER_SELF, price: str = "15200.50",
                       review: str = DocumentReview.ACCEPTED, suffix: str = "") -> BillingWorld:
    """Everything `issue_contract_and_invoice` needs, with one passport document reviewed as `review`.

    A second world in the same database needs another `suffix` (it goes into e-mails and numbers).
    """
    spk = factory.org(OrgKind.SPK)
    cok = factory.org(OrgKind.COK, spk, **COK_PROFILE)
    venue = factory.org(OrgKind.VENUE, cok, **VENUE_PROFILE)
    employer = factory.org(OrgKind.EMPLOYER, **EMPLOYER_PROFILE)
    qualification = make_qualification(spk)
    staff = factory.user(Role.OPERATOR, cok, email=f"operator{suffix}@cok-ot.ru", full_name="Васильев Максим Игоревич")
    applicant = factory.user(Role.APPLICANT, email=f"nikolaev{suffix}@example.ru", full_name=APPLICANT_NAME,
                             phone="+79126043318")
    application = Application.create(
        number=f"З-2026-00042{suffix}", applicant=applicant, cok=cok, venue=venue, qualification=qualification,
        payer=payer, employer=employer if payer == PAYER_EMPLOYER else None, status=Status.SUBMITTED.value,
        full_name=APPLICANT_NAME, snils=SNILS, personal_data=json.dumps(PERSONAL_DATA, ensure_ascii=False),
        submitted_at=dt.datetime(2026, 11, 20, 10, 0))
    ApplicationDocument.create(application=application, kind="passport_main", title="Паспорт: страница с фотографией",
                               filename="passport.pdf", content_type="application/pdf", size=1000, digest="0" * 64,
                               review=review)
    price_row = Price.create(cok=cok, qualification=qualification, amount=Decimal(price))
    return BillingWorld(spk, cok, venue, employer, qualification, price_row, staff, applicant, application)


def make_group_application(world: BillingWorld, rows: list[tuple[Qualification, int]],
                           payment_terms: str = "postpayment") -> GroupApplication:
    """A submitted group application of the world's employer to its ЦОК."""
    manager = User.get_or_none(User.email == "hr@usm.ru") or User.create(
        email="hr@usm.ru", full_name="Сергеева Наталья Владимировна", role=Role.ADMIN.value,
        organisation=world.employer)
    group = GroupApplication.create(number="ГЗ-2026-00003", employer=world.employer, cok=world.cok,
                                    prof_standard=world.qualification.prof_standard, status=Status.SUBMITTED.value,
                                    payment_terms=payment_terms, created_by=manager)
    for qualification, people in rows:
        GroupApplicationRow.create(group_application=group, qualification=qualification, venue=world.venue,
                                   people_count=people)
    return group


def enrol_in_group(world: BillingWorld, group: GroupApplication) -> Application:
    """Make the world's application an employee's one, filed through `group` and paid by the employer."""
    application = world.application
    application.payer, application.employer, application.group_application = PAYER_EMPLOYER, world.employer, group
    application.save()
    return application


def make_exam_group(world: BillingWorld, experts: list[tuple[User, bool]], candidates: list[Application],
                    **fields) -> ExamGroup:
    """A theory group at the world's venue with the given commission (expert, is chair) and candidates."""
    values = {"kind": "theory", "starts_at": dt.datetime(2026, 12, 3, 10, 0), "seats": 10,
              "order_number": "17-НОК", "order_date": dt.date(2026, 11, 23)}
    values.update(fields)
    group = ExamGroup.create(cok=world.cok, venue=world.venue, qualification=world.qualification, **values)
    for expert, is_chair in experts:
        CommissionMember.create(group=group, expert=expert, is_chair=is_chair)
    for application in candidates:
        GroupMember.create(group=group, application=application)
    return group


def make_invoice(world: BillingWorld, *, number: str = "С-2026-00017", contract_number: str = "Д-2026-00017",
                 issued_on: dt.date = dt.date(2026, 11, 23), payment_terms: str = "prepayment",
                 group_application: GroupApplication | None = None) -> Invoice:
    """An invoice for the world's application (or `group_application`) at today's prices, without documents."""
    from core.documents.invoice import application_lines, group_lines

    if group_application is not None:
        lines, link = group_lines(group_application), {"group_application": group_application}
        payer = world.employer
    else:
        lines, link = application_lines(world.application, world.cok), {"application": world.application}
        payer = world.employer if world.application.payer == PAYER_EMPLOYER else None
    return Invoice.create(number=number, contract_number=contract_number, cok=world.cok, issued_on=issued_on,
                          payer_name=payer.full_name if payer else APPLICANT_NAME, payer_inn=payer and payer.inn,
                          amount=sum(line.total for line in lines), payment_terms=payment_terms, **link)


def sample_facsimile_png() -> bytes:
    """A drawn signature as the canvas in the profile saves it: dark strokes on a transparent PNG."""
    import cv2
    import numpy as np

    image = np.zeros((120, 360, 4), dtype=np.uint8)
    xs = np.linspace(10, 350, 200)
    ys = 60 + 30 * np.sin(xs / 18) * np.exp(-xs / 400)
    points = np.stack([xs, ys], axis=1).astype(np.int32)
    cv2.polylines(image, [points], False, (120, 40, 10, 255), 4, cv2.LINE_AA)
    cv2.line(image, (40, 100), (300, 90), (120, 40, 10, 255), 3, cv2.LINE_AA)
    ok, png = cv2.imencode(".png", image)
    assert ok
    return png.tobytes()


def pdf_text(pdf: bytes) -> str:
    """All text of a PDF read back with pypdf, whitespace collapsed (wrapped lines read as one string)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def qr_codes_in_pdf(pdf: bytes, *, dpi: int = 300) -> list[str]:
    """Decode the QR codes of a PDF as a phone sees the printed page: rasterise (poppler), then OpenCV."""
    import cv2

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "document.pdf"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(source), str(Path(tmp) / "page")],
                       check=True, capture_output=True)
        pages = [cv2.imread(str(page), cv2.IMREAD_GRAYSCALE) for page in sorted(Path(tmp).glob("page*.pgm"))]
    return [text for page in pages for text in decode_qr_image(page)]


def embedded_qr_codes(pdf: bytes) -> list[str]:
    """Decode the QR codes among the images embedded in a PDF (fast: no rasterising)."""
    import numpy as np
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return [text for page in reader.pages for image in page.images
            for text in decode_qr_image(np.array(image.image.convert("L")))]


def decode_qr_image(gray) -> list[str]:
    """Every QR code OpenCV finds in a grayscale image.

    OpenCV's detector misses some codes that phones read at once, mostly when the code fills
    the image; a wider white margin and 2× upscaling are tried before giving up.
    """
    import cv2

    detector = cv2.QRCodeDetector()
    margin = max(gray.shape) // 10
    padded = cv2.copyMakeBorder(gray, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=255)
    for candidate in (gray, padded, cv2.resize(padded, None, fx=2, fy=2, interpolation=cv2.INTER_NEAREST)):
        ok, texts, _, _ = detector.detectAndDecodeMulti(candidate)
        found = [text for text in texts if text] if ok else []
        if not found:
            text, _, _ = detector.detectAndDecode(candidate)
            found = [text] if text else []
        if found:
            return found
    return []
