"""The central registry's own НАРК payloads pass the plugin's format, over HTTP and as files."""
from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from central.models import Certificate
from central.services import protocols
from central.services.certificate_data import certificate_payload
from plugins.nark_export.providers import NarkRegistry
from plugins.nark_export.testing import NarkTestServer


def test_payloads_of_a_formed_protocol_are_accepted(spk_world):
    passed, failed = spk_world.add_result(verdict="passed"), spk_world.add_result(verdict="failed")
    protocols.form_protocol(spk_world.services, spk_world.spk, [passed.id, failed.id], "15", dt.date.today(),
                            spk_world.admin)
    payloads = [certificate_payload(document) for document in Certificate.select().order_by(Certificate.id)]
    assert sorted(p["kind"] for p in payloads) == ["certificate", "conclusion"]

    files = NarkRegistry().export_files(payloads)
    book = load_workbook(io.BytesIO(files[0][2]))
    assert book["Свидетельства"].max_row == 2 and book["Заключения"].max_row == 2

    with NarkTestServer(token="t0ken") as nark:
        target = NarkRegistry({"url": nark.url, "token": "t0ken"})
        numbers = [target.export(p["kind"], p["document_id"], p).external_id for p in payloads]
        assert all(number.startswith("40.05400.01.") for number in numbers) and len(set(numbers)) == 2
        assert [r["full_name"] for r in nark.received] == [p["full_name"] for p in payloads]
