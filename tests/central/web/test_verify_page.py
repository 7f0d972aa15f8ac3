"""/verify/{public_id}: the public check behind the certificate's QR code."""
from __future__ import annotations

import datetime as dt

import pytest

from central.models import Certificate, CertificateKind, CertificateStatus
from spk_pages_kit import attach_and_send, form_protocol, number_for, register_by_hand


@pytest.fixture
def admin(spk_world, central_signed_in):
    return central_signed_in(spk_world.admin)


@pytest.fixture
def certificate(spk_world, admin):
    """Иванов's certificate, issued (number entered by hand), and the still-awaiting conclusion of Петрова."""
    passed = spk_world.add_result(full_name="Иванов Иван Иванович")
    spk_world.add_result(full_name="Петрова Анна Сергеевна", verdict="failed")
    protocol = form_protocol(admin, [passed], "15")
    attach_and_send(admin, protocol)
    register_by_hand(admin, protocol, [number_for(spk_world.qualifications[0].code, 7)])
    return Certificate.get(Certificate.kind == CertificateKind.CERTIFICATE)


def state(page) -> str:
    return page.text.split('data-testid="verify-state" role="status">', 1)[1].split("<", 1)[0]


def test_valid_certificate_shows_only_what_is_printed(spk_world, central_web, certificate):
    page = central_web.get(f"/verify/{certificate.public_id}")
    assert page.status_code == 200
    assert state(page) == "Действительно"
    for words in ("Проверка свидетельства о квалификации", certificate.registration_number, "Иванов Иван Иванович",
                  "Специалист по охране труда", "ООО «Центр оценки квалификаций «Профи»",
                  spk_world.spk.full_name, "Действительно до"):
        assert words in page.text, words
    for secret in ("112-233-445 95", "11223344595", "1985", "12 апреля", "З-100", "Смирнов"):
        assert secret not in page.text, secret
    assert 'class="sidebar"' not in page.text  # nobody signed in: no cabinet frame


@pytest.mark.parametrize("change, expected", [
    ({"status": CertificateStatus.REVOKED, "revoked_reason": "апелляция"}, "Аннулировано"),
    ({"status": CertificateStatus.REPLACED}, "Выдан дубликат — документ недействителен"),
    ({"valid_until": dt.date.today() - dt.timedelta(days=1)}, "Срок действия истёк"),
    ({"status": CertificateStatus.AWAITING_NUMBER, "registration_number": None, "issued_on": None,
      "valid_until": None}, "Ожидает внесения в реестр НАРК"),
])
def test_states(central_web, certificate, change, expected):
    for name, value in change.items():
        setattr(certificate, name, value)
    certificate.save()
    page = central_web.get(f"/verify/{certificate.public_id}")
    assert page.status_code == 200 and state(page) == expected


def test_unknown_id_is_a_russian_404(central_web, certificate):
    for public_id in ("0" * 32, certificate.public_id[:-1], certificate.public_id + "0", "ЖЖЖ", "%00"):
        page = central_web.get(f"/verify/{public_id}")
        assert page.status_code == 404, public_id
        assert "Документ не найден" in page.text and "QR-код" in page.text
    assert "Страница не найдена" in central_web.get("/verify/../../etc/passwd").text
