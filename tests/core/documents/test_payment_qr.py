"""The ГОСТ Р 56042-2014 payment string and its QR code, read back with OpenCV."""
import io
from decimal import Decimal

import cv2
import numpy as np
import pytest
import segno

from core.documents.payment_qr import payment_qr_png, payment_qr_string
from core.documents.testing import decode_qr_image
from core.exceptions import ValidationError

PAYEE = dict(name="ООО «ЦОК «Охрана труда»", personal_acc="40702810938000012345", bank_name="ПАО Сбербанк, г. Москва",
             bic="044525225", corresp_acc="30101810400000000225")


def decode(png: bytes) -> str:
    """What OpenCV reads from the PNG (a phone's decoder is more tolerant still)."""
    (text,) = decode_qr_image(cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE))
    return text


def test_mandatory_fields_in_order():
    assert payment_qr_string(**PAYEE) == (
        "ST00012|Name=ООО «ЦОК «Охрана труда»|PersonalAcc=40702810938000012345|BankName=ПАО Сбербанк, г. Москва"
        "|BIC=044525225|CorrespAcc=30101810400000000225")


def test_full_string_with_payer_and_sum_in_kopecks():
    text = payment_qr_string(**PAYEE, payee_inn="7722415832", kpp="772201001", amount=Decimal("15200.50"),
                             purpose="Оплата по счёту № С-2026-00017 от 23.11.2026. НДС не облагается",
                             last_name="Николаев", first_name="Денис", middle_name="Олегович",
                             payer_address="115573, г. Москва, ул. Мусы Джалиля, д. 8, корп. 2, кв. 41")
    assert text.split("|")[6:] == [
        "PayeeINN=7722415832", "KPP=772201001", "Sum=1520050",
        "Purpose=Оплата по счёту № С-2026-00017 от 23.11.2026. НДС не облагается",
        "LastName=Николаев", "FirstName=Денис", "MiddleName=Олегович",
        "PayerAddress=115573, г. Москва, ул. Мусы Джалиля, д. 8, корп. 2, кв. 41"]


def test_whole_roubles_and_empty_optionals():
    text = payment_qr_string(**PAYEE, amount=Decimal("22400"), purpose="", middle_name=None, payer_inn="  ")
    assert text.endswith("|Sum=2240000")


def test_separator_and_line_breaks_never_reach_a_value():
    text = payment_qr_string(**{**PAYEE, "name": "ООО «Альфа|Бета»"}, purpose="Оплата\nпо счёту | № 5\r\n",
                             last_name="Ни|колаев")
    assert text.count("|") == 7  # the header and seven pairs, nothing more
    assert "Name=ООО «Альфа Бета»" in text
    assert "Purpose=Оплата по счёту № 5" in text
    assert "\n" not in text and "\r" not in text


def test_values_are_cut_to_the_standard_limits():
    text = payment_qr_string(**{**PAYEE, "bank_name": "Филиал «Екатеринбургский» АО «Альфа-Банк», г. Екатеринбург"},
                             purpose="Я" * 300)
    fields = dict(pair.split("=", 1) for pair in text.split("|")[1:])
    assert len(fields["BankName"]) == 45
    assert len(fields["Purpose"]) == 210


def test_missing_mandatory_requisites_are_named():
    with pytest.raises(ValidationError, match="БИК, корреспондентский счёт"):
        payment_qr_string(**{**PAYEE, "bic": "", "corresp_acc": None})


def test_png_decodes_back_to_the_same_string():
    text = payment_qr_string(**PAYEE, payee_inn="7722415832", kpp="772201001", amount=Decimal("45601.50"),
                             purpose="Оплата по счёту № С-2026-00018 от 23.11.2026 за проведение "
                                     "профессионального экзамена. НДС не облагается", payer_inn="6658051936")
    png = payment_qr_png(text)
    assert png.startswith(b"\x89PNG")
    assert decode(png) == text


def test_png_uses_error_correction_m_and_plain_utf8_bytes():
    text = payment_qr_string(**PAYEE, amount=Decimal("1"))
    expected = segno.make(text, error="m", boost_error=False, micro=False, encoding="utf-8")
    assert expected.designator.endswith("-M")
    reference = io.BytesIO()
    expected.save(reference, kind="png", scale=4, border=4)
    assert payment_qr_png(text) == reference.getvalue()
