"""Pulling reference data: the request says what the appliance has; only a snapshot signed by the pinned
registry, sealed to this appliance and newer than what it has reaches `reference_apply.apply_snapshot`."""
from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from federation_kit import TIMEOUT, enrolled, registry  # noqa: F401 (fixtures)
from core.bundle import BundleSignatureError, build_bundle
from core.models import OrgKind
from federation.identity import current_link
from federation.protocol import PART_SNAPSHOT, REGISTRY_SENDER_ID, ProtocolError, canonical_json
from federation.pull import pull

COK_INN, SPK_INN = "7707083893", "7702070139"


def snapshot(version: int = 18) -> dict:
    """A small but complete «nok-reference/1» snapshot (docs/federation.md)."""
    return {"format": "nok-reference/1", "version": version, "created_at": "2026-11-20T12:00:00",
            "organisation": {"kind": "cok", "inn": COK_INN, "full_name": "ООО «Центр оценки квалификаций»",
                             "short_name": "ЦОК «Охрана труда»"},
            "spk": {"full_name": "Совет по профессиональным квалификациям в области безопасности труда",
                    "short_name": "СПК ОТ", "inn": SPK_INN, "ogrn": None, "chair_name": "Иванов Иван Иванович",
                    "secretary_name": "Петрова Анна Сергеевна", "voting_members": []},
            "settings": {"days_documents": 10, "days_to_spk": 7, "days_spk_decision": 14, "days_issue": 30,
                         "days_duplicate": 15, "failed_retention_years": 1},
            "prof_standards": [], "qualifications": [], "kos": [], "experts": [], "prices": [], "results": []}


@pytest.fixture
def organisations(services, factory):
    services.db.connect(reuse_if_open=True)
    spk = factory.org(OrgKind.SPK, inn=SPK_INN)
    return factory.org(OrgKind.COK, parent=spk, inn=COK_INN)


def fetch(services, enrolled):
    keys, _ = enrolled
    return pull(services, keys=keys, link=current_link(), timeout=TIMEOUT, retries=0)


def test_up_to_date_answer_applies_nothing(services, enrolled, registry):
    link = current_link()
    link.snapshot_version, link.next_serial = 5, 8
    link.save()
    assert fetch(services, enrolled) is None
    assert registry.requests == [{"have_version": 5}]
    link = current_link()
    assert link.snapshot_version == 5 and link.last_contact_at is not None and link.next_serial == 8, \
        "a reference request spends no serial"


def test_verified_snapshot_reaches_apply_and_moves_the_version(services, organisations, enrolled, registry):
    registry.snapshot = lambda request: registry.seal_snapshot(snapshot(18)) if request["have_version"] < 18 else None
    report = fetch(services, enrolled)  # federation.reference_apply (H8) applies it
    assert report is not None
    link = current_link()
    assert link.snapshot_version == 18 and link.snapshot_applied_at is not None
    assert fetch(services, enrolled) is None and registry.requests[-1] == {"have_version": 18}


def test_snapshot_signed_by_another_key_is_refused(services, enrolled, registry):
    registry.snapshot = lambda request: registry.seal_snapshot(snapshot(), signing_key=Ed25519PrivateKey.generate())
    with pytest.raises(BundleSignatureError):
        fetch(services, enrolled)
    assert current_link().snapshot_version == 0 and current_link().snapshot_applied_at is None


def test_older_snapshot_is_a_rollback_and_refused(services, enrolled, registry):
    link = current_link()
    link.snapshot_version = 20
    link.save()
    registry.snapshot = lambda request: registry.seal_snapshot(snapshot(18))
    with pytest.raises(ProtocolError, match="устаревший снимок"):
        fetch(services, enrolled)
    assert current_link().snapshot_version == 20


def test_bundle_of_another_kind_is_not_a_snapshot(services, enrolled, registry):
    registry.snapshot = lambda request: build_bundle("exam_result", REGISTRY_SENDER_ID, 1,
                                                     {PART_SNAPSHOT: canonical_json(snapshot())},
                                                     registry.keys.signing_key, registry.appliance_hpke)
    with pytest.raises(ProtocolError, match="другого вида"):
        fetch(services, enrolled)
    assert current_link().snapshot_version == 0
