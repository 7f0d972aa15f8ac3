"""Reference snapshots: exactly what docs/federation.md lists, only this appliance's share, sealed to it."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from decimal import Decimal

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from central import revisions
from central.ingest import BundleRefusedError
from central.models import Appliance, Certificate, PublishedKos, SpkProtocol
from central.snapshot import build_snapshot
from core.bundle import verify_and_open
from core.models import ExpertCertificate, Kos, OrgKind, Price, Qualification, Role
from federation import protocol as p
from ingest_kit import Sender, ingestor, read_ack, registry_keys


def _kos(qualification, version: str) -> Kos:
    content = json.dumps({"format": "nok-kos/1", "version": version, "title": f"КОС {version}"}, ensure_ascii=False)
    return Kos.create(qualification=qualification, version=version, title=f"КОС {version}", content=content,
                      sha256=hashlib.sha256(content.encode()).hexdigest())


@pytest.fixture
def registry(spk_world):
    """Reference data of the world's СПК plus the same kinds of data that must not travel to this appliance."""
    w, factory = spk_world, spk_world.factory
    q0, q1 = w.qualifications
    old, new = _kos(q0, "2025.1"), _kos(q0, "2026.1")
    PublishedKos.create(kos=old, published_at=dt.datetime(2026, 1, 1))
    PublishedKos.create(kos=new, published_at=dt.datetime(2026, 3, 1))
    _kos(q1, "draft")  # loaded but not published
    other_spk = factory.org(OrgKind.SPK, inn="7702070139")
    foreign = Qualification.create(spk=other_spk, prof_standard=q0.prof_standard, code="40.05400.09",
                                   name="Чужая", level=5)
    PublishedKos.create(kos=_kos(foreign, "1"))
    expert = factory.user(Role.EXPERT, w.spk, email="expert@spk.test", full_name="Кузнецова Анна Сергеевна",
                          phone="+7 900 000-00-00")
    ExpertCertificate.create(expert=expert, qualification=q0, valid_from=dt.date(2025, 1, 1),
                             valid_to=dt.date(2028, 1, 1), protocol_number="12", protocol_date=dt.date(2024, 12, 20))
    factory.user(Role.EXPERT, other_spk, email="stranger@other.test")
    Price.create(cok=w.coks[0], qualification=q0, amount=Decimal("5000"), vat_included=False)
    Price.create(cok=w.coks[1], qualification=q0, amount=Decimal("7000"))
    w.settings.days_issue = 20
    w.settings.save()
    mine, not_yet = w.add_result(), w.add_result(full_name="Ещё Один Соискатель")
    protocol = SpkProtocol.create(spk=w.spk, number="15", protocol_date=dt.date(2026, 11, 20))
    mine.protocol, mine.status = protocol, "in_protocol"
    mine.save()
    pdf = w.services.blobs.put(b"%PDF-1.7 certificate").digest
    Certificate.create(kind="certificate", result=mine, public_id="a" * 32, status="issued",
                       registration_number="40.05400.01.00000001.26", issued_on=dt.date(2026, 11, 23),
                       valid_until=dt.date(2029, 11, 23), pdf_digest=pdf)
    Certificate.create(kind="certificate", result=mine, public_id="b" * 32, is_duplicate=True)
    keys = w.appliance_keys.public_info()
    stranger = Appliance.create(appliance_id="cok-yug-1", organisation=w.coks[1], title="Комплекс «Юг»",
                                signing_public_key=keys["signing_public_key"],
                                hpke_public_key=keys["hpke_public_key"], curve_public_key="x" * 40)
    w.add_result(appliance=stranger, cok=w.coks[1])
    revisions.bump("test data")
    return {"mine": mine, "not_yet": not_yet}


def test_snapshot_follows_the_format(spk_world, registry):
    snapshot, parts = build_snapshot(spk_world.services, spk_world.appliance)
    assert snapshot["format"] == "nok-reference/1" and snapshot["version"] == revisions.current_version()
    assert snapshot["organisation"] == {"kind": "cok", "inn": "7736050003", "full_name": spk_world.coks[0].full_name,
                                        "short_name": "ЦОК «Профи»"}
    assert snapshot["spk"]["inn"] == "7707083893" and snapshot["spk"]["chair_name"] == "Петров Сергей Николаевич"
    assert snapshot["settings"] == {"days_documents": 10, "days_to_spk": 7, "days_spk_decision": 14,
                                    "days_issue": 20, "days_duplicate": 15, "failed_retention_years": 1}
    assert snapshot["prof_standards"] == [{"code": "40.054", "name": "Специалист в области охраны труда",
                                           "approval_order": "приказ Минтруда России от 22.04.2021 № 274н"}]
    assert [q["code"] for q in snapshot["qualifications"]] == ["40.05400.01", "40.05400.02"]
    assert snapshot["qualifications"][0] == {"code": "40.05400.01", "name": "Специалист по охране труда", "level": 6,
                                             "validity_years": 3, "prof_standard": "40.054", "is_active": True}

    assert snapshot["kos"] == [{"qualification_code": "40.05400.01", "version": "2026.1",
                                "sha256": hashlib.sha256(parts["kos-01.json"]).hexdigest(), "part": "kos-01.json"}]
    assert json.loads(parts["kos-01.json"])["version"] == "2026.1"

    assert snapshot["experts"] == [{"email": "expert@spk.test", "full_name": "Кузнецова Анна Сергеевна",
                                    "phone": "+79000000000",
                                    "certificates": [{"qualification_code": "40.05400.01", "valid_from": "2025-01-01",
                                                      "valid_to": "2028-01-01", "protocol_number": "12",
                                                      "protocol_date": "2024-12-20"}]}]
    assert snapshot["prices"] == [{"qualification_code": "40.05400.01", "amount": "5000.00", "vat_included": False}]

    results = {r["application_id"]: r for r in snapshot["results"]}
    mine, not_yet = registry["mine"], registry["not_yet"]
    assert set(results) == {mine.source_application_id, not_yet.source_application_id}
    assert results[not_yet.source_application_id] == {"application_id": not_yet.source_application_id,
                                                      "status": "received", "decision": "passed", "protocol": None,
                                                      "documents": []}
    done = results[mine.source_application_id]
    assert done["protocol"] == {"number": "15", "date": "2026-11-20"}
    issued, duplicate = done["documents"]
    assert issued == {"public_id": "a" * 32, "kind": "certificate", "status": "issued",
                      "registration_number": "40.05400.01.00000001.26", "issued_on": "2026-11-23",
                      "valid_until": "2029-11-23", "is_duplicate": False,
                      "verify_url": "http://registry.test/verify/" + "a" * 32, "part": f"cert-{'a' * 32}.pdf"}
    assert duplicate["part"] is None and duplicate["status"] == "awaiting" and duplicate["is_duplicate"] is True
    assert parts[f"cert-{'a' * 32}.pdf"] == b"%PDF-1.7 certificate"
    assert set(parts) == {"kos-01.json", f"cert-{'a' * 32}.pdf"}


def test_venue_appliance_gets_its_cok_prices(spk_world, registry):
    keys = spk_world.appliance_keys.public_info()
    venue_appliance = Appliance.create(appliance_id="venue-sever-1", organisation=spk_world.venue, title="Север",
                                       signing_public_key=keys["signing_public_key"],
                                       hpke_public_key=keys["hpke_public_key"], curve_public_key="v" * 40)
    snapshot, _ = build_snapshot(spk_world.services, venue_appliance)
    assert snapshot["organisation"]["kind"] == "venue" and snapshot["spk"]["inn"] == "7707083893"
    assert [pr["amount"] for pr in snapshot["prices"]] == ["5000.00"]
    assert snapshot["results"] == []


def test_reference_request_answers_a_sealed_signed_snapshot_or_up_to_date(spk_world, registry):
    services, sender = spk_world.services, Sender(spk_world)
    version = revisions.current_version()
    request = sender.reference_request(0)
    ack = read_ack(services, ingestor(services).handle(request, sender.curve_key), request)
    assert ack["status"] == p.ACK_SNAPSHOT and ack["version"] == ack["reference_version"] == version
    snapshot_bundle = base64.b64decode(ack["snapshot_b64"])
    registry_signing = Ed25519PublicKey.from_public_bytes(
        bytes.fromhex(registry_keys(services).public_info()["signing_public_key"]))
    opened = verify_and_open(snapshot_bundle, signer_public_key=registry_signing,
                             registry_private_key=spk_world.appliance_keys.hpke_key)
    assert opened.header.kind == p.KIND_REFERENCE_SNAPSHOT and opened.header.appliance_id == p.REGISTRY_SENDER_ID
    assert opened.header.serial == version
    snapshot = json.loads(opened.parts[p.PART_SNAPSHOT])
    expected, parts = build_snapshot(services, spk_world.appliance)
    assert {k: v for k, v in snapshot.items() if k != "created_at"} == \
        {k: v for k, v in expected.items() if k != "created_at"}
    assert {k: bytes(v) for k, v in opened.parts.items() if k != p.PART_SNAPSHOT} == parts
    assert Appliance.get_by_id(spk_world.appliance.id).snapshot_version == 0

    current = sender.reference_request(version)
    ack = read_ack(services, ingestor(services).handle(current, sender.curve_key), current)
    assert (ack["status"], ack["version"]) == (p.ACK_UP_TO_DATE, version) and "snapshot_b64" not in ack
    assert Appliance.get_by_id(spk_world.appliance.id).snapshot_version == version


def test_bad_reference_request_is_refused(spk_world):
    sender = Sender(spk_world)
    bundle = sender.bundle(p.KIND_REFERENCE_REQUEST, {p.PART_REQUEST: b'{"have_version": "17"}'}, serial=1)
    with pytest.raises(BundleRefusedError) as info:
        ingestor(spk_world.services).handle(bundle, sender.curve_key)
    assert "have_version" in str(info.value)
