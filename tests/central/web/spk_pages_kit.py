"""Steps of the СПК cabinet done through its pages, shared by the protocol and certificate page tests.

Not a conftest: tests import what they need by name.
"""
from __future__ import annotations

import datetime as dt
import io
import re

from pypdf import PdfReader, PdfWriter

from central.models import NarkRecord, SpkProtocol

PROTOCOLS = "/cabinet/spk/protocols"


def signed_pdf() -> bytes:
    """A real (blank, A4) PDF standing in for the scan of the signed protocol."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_text(data: bytes) -> str:
    """The PDF's text with runs of whitespace as one space (table cells wrap names over lines)."""
    assert data.startswith(b"%PDF-"), data[:40]
    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages).split())


def form_protocol(client, results, number: str, when: str | None = None) -> SpkProtocol:
    """«Сформировать протокол» on the results page for `results` (dated today unless `when`)."""
    when = when or dt.date.today().isoformat()
    client.get("/cabinet/spk/results")
    done = client.post("/cabinet/spk/results/protocol", {"result": [r.id for r in results], "protocol_number": number,
                                                         "protocol_date": when})
    assert done.status_code == 303, done.text[:3000]
    return SpkProtocol.get(SpkProtocol.number == number)


def attach_and_send(client, protocol: SpkProtocol) -> None:
    """«Прикрепить файл» (a signed PDF), then «Отправить в НАРК»."""
    url = f"{PROTOCOLS}/{protocol.id}"
    client.get(url)
    attached = client.upload(f"{url}/signed", files={"file": ("Протокол СПК подписанный.pdf", signed_pdf(),
                                                              "application/pdf")})
    assert attached.status_code == 303, attached.text[:3000]
    sent = client.post(f"{url}/send")
    assert sent.status_code == 303, sent.text[:3000]


def register_by_hand(client, protocol: SpkProtocol, numbers: list[str]) -> None:
    """No НАРК endpoint: «Регистрационный номер НАРК» → «Внести» for each record, in record order."""
    url = f"{PROTOCOLS}/{protocol.id}"
    records = list(NarkRecord.select().where(NarkRecord.protocol == protocol).order_by(NarkRecord.id))
    assert len(records) == len(numbers)
    for record, number in zip(records, numbers):
        client.get(url)
        done = client.post(f"{url}/records/{record.id}/register", {"registration_number": number})
        assert done.status_code == 303, done.text[:3000]


def number_for(qualification_code: str, n: int, year: int = 26) -> str:
    """A НАРК-style registration number: qualification code, 8-digit sequence, 2-digit suffix."""
    assert re.fullmatch(r"\d\d\.\d{5}\.\d\d", qualification_code)
    return f"{qualification_code}.{n:08d}.{year:02d}"
