"""`import_kos` / `export_kos` / `kos_versions` on a real SQLCipher database."""
from __future__ import annotations

import hashlib
import json

import pytest

from core import audit
from core.audit import AuditRecord
from core.exceptions import NotFoundError, PermissionDeniedError, ValidationError
from core.kos import current_version, export_kos, import_kos, kos_versions, validate_kos
from core.kos.demo import load_labour_safety_kos
from core.kos.store import visible_qualification
from core.models import Kos, QualificationOffer
from core.services.attempts import current_kos
from kos_kit import KosWorld, asset, bad, small_kos


@pytest.fixture
def world(sqlcipher_db, factory):
    return KosWorld(factory)


def _json(doc) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def test_json_import_stores_the_canonical_document_as_the_only_current_version(world):
    with audit.acting_as(audit.Actor(world.admin.id, world.admin.email)):  # the web sets this per request
        kos = import_kos(world.admin, world.qual, _json(small_kos()), "кос.json")
    stored = Kos.get_by_id(kos.id)
    expected = validate_kos(small_kos())
    assert stored.content == json.dumps(expected, ensure_ascii=False, sort_keys=True)
    assert stored.sha256 == hashlib.sha256(stored.content.encode()).hexdigest()
    assert (stored.version, stored.title, stored.source_format) == ("2026.1", expected["title"], "json")
    assert stored.is_current and stored.loaded_by_id == world.admin.id and kos.notes == []
    assert current_kos(world.qual).id == kos.id  # what exams are built from
    offer = world.offer(world.cok, world.qual)
    assert offer.kos_version == "2026.1" and offer.kos_loaded_at == stored.loaded_at
    assert world.offer(world.other_cok, world.qual).kos_loaded_at is None, "only the actor's ЦОК"
    record = AuditRecord.select().where((AuditRecord.action == "import") & (AuditRecord.entity == "kos")).get()
    data = json.loads(record.data)
    assert data["sha256"] == stored.sha256 and data["filename"] == "кос.json" and record.actor_id == world.admin.id

    second = import_kos(world.operator, world.qual, _json(small_kos(version="2026.2")), "кос-2.json")
    assert [k.version for k in kos_versions(world.qual)] == ["2026.2", "2026.1"]
    assert [k.is_current for k in kos_versions(world.qual)] == [True, False]
    assert current_version(world.qual).id == second.id
    assert kos_versions(world.qual)[0].loaded_by.full_name == world.operator.full_name


def test_version_already_loaded_is_refused_and_nothing_changes(world):
    first = import_kos(world.admin, world.qual, _json(small_kos()), "a.json")
    changed = small_kos(title="Другой КОС")
    with pytest.raises(ValidationError) as err:
        import_kos(world.admin, world.qual, _json(changed), "b.json")
    assert err.value.message == ("Версия КОС «2026.1» для квалификации 40.05400.01 уже загружена: укажите в КОС новую "
                                 "версию (поле version)")
    assert [k.id for k in kos_versions(world.qual)] == [first.id] and current_version(world.qual).title != "Другой КОС"
    # the same version for another qualification is fine
    import_kos(world.admin, world.copy, _json(small_kos(qualification=None)), "c.json")


def test_kos_of_another_qualification_is_refused_naming_both_codes(world):
    with pytest.raises(ValidationError) as err:
        import_kos(world.admin, world.copy, _json(small_kos()), "кос.json")
    assert err.value.message == ("КОС составлен для квалификации 40.05400.01, а загружается для 40.05400.02 "
                                 "(Специалист по охране труда (7 уровень квалификации))")
    assert Kos.select().count() == 0


@pytest.mark.parametrize("name", ["two_correct.json", "no_correct_response.zip", "essay.xml", "dtd_entity.zip"])
def test_a_refused_file_leaves_nothing_behind(world, name):
    import_kos(world.admin, world.qual, _json(small_kos()), "a.json")
    audit_before = AuditRecord.select().count()
    with pytest.raises(ValidationError):
        import_kos(world.admin, world.qual, bad(name), name)
    assert Kos.select().count() == 1 and current_version(world.qual).version == "2026.1"
    assert AuditRecord.select().count() == audit_before
    assert world.offer(world.cok, world.qual).kos_version == "2026.1"


def test_who_may_see_and_load(world):
    assert visible_qualification(world.venue_admin, world.qual.id) == world.qual  # the venue's ЦОК offers it
    assert visible_qualification(world.other_admin, world.qual.id) == world.qual
    for user, qualification in ((world.other_admin, world.copy), (world.admin, world.unoffered),
                                (world.expert, world.qual)):
        with pytest.raises(NotFoundError):
            visible_qualification(user, qualification.id)
    for user, qualification in ((world.venue_admin, world.qual), (world.other_admin, world.copy),
                                (world.expert, world.qual), (world.admin, world.unoffered)):
        with pytest.raises(PermissionDeniedError):
            import_kos(user, qualification, _json(small_kos(qualification=None)), "a.json")
    assert Kos.select().count() == 0


def test_the_system_loads_for_every_offer_of_the_appliance(world):
    kos = import_kos(None, world.qual, _json(small_kos()), "a.json")
    assert kos.loaded_by_id is None
    versions = {o.cok_id: o.kos_version for o in QualificationOffer.select().where(
        QualificationOffer.qualification == world.qual)}
    assert versions == {world.cok.id: "2026.1", world.other_cok.id: "2026.1"}


def test_qti_import_copies_the_rest_from_the_current_version(world):
    current = small_kos()
    current["theory"]["sections"][0]["id"], current["theory"]["sections"][1]["id"] = "law", "risks"
    current["theory"]["specification"]["draw"] = [{"section": "law", "count": 3}, {"section": "risks", "count": 2}]
    import_kos(world.admin, world.qual, _json(current), "a.json")
    kos = import_kos(world.admin, world.qual, asset("qti_labour_safety.zip"), "bank.zip")
    assert kos.source_format == "qti" and kos.version != "2026.1"
    assert kos.data["practice"] == validate_kos(current)["practice"]
    assert kos.data["theory"]["specification"]["draw"] == current["theory"]["specification"]["draw"]
    assert kos.notes[0].startswith("Из текущей версии КОС «2026.1» взяты:")


def _load(world, source: str) -> bytes:
    return {"json": _json(small_kos()), "qti": asset("qti_labour_safety.zip"),
            "moodle": asset("moodle_labour_safety.xml")}[source]


@pytest.mark.parametrize("source", ["json", "qti", "moodle"])
def test_export_then_import_into_another_qualification_gives_an_equal_document(world, source):
    first = import_kos(world.admin, world.qual, _load(world, source), f"kos.{source}")
    exported = export_kos(first)
    assert exported.startswith(b'{\n  "format": "nok-kos/1",\n  "qualification": "40.05400.01",')
    assert "Специалист" in exported.decode("utf-8") or source != "json"  # UTF-8, not \u escapes
    copy = import_kos(world.admin, world.copy, exported.replace(b'"40.05400.01"', b'"40.05400.02"', 1), "export.json")
    assert copy.source_format == "json"
    assert copy.data == {**first.data, "qualification": "40.05400.02"}
    assert export_kos(copy) == exported.replace(b'"40.05400.01"', b'"40.05400.02"', 1)


def test_demo_kos_loads_through_the_importer_once(world):
    kos = load_labour_safety_kos()
    assert kos.qualification_id == world.qual.id and kos.version == "2026.1"
    assert sum(len(s["questions"]) for s in kos.data["theory"]["sections"]) == 67
    assert load_labour_safety_kos() is None and Kos.select().count() == 1
