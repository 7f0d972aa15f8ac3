"""Plan-schedule bundles: groups upserted per (appliance, group id), matched within the appliance's СПК."""
from __future__ import annotations

import datetime as dt

import pytest

from central.ingest import BundleRefusedError
from central.models import PlannedExam
from core.models import OrgKind, Qualification
from federation import protocol as p
from ingest_kit import Sender, ingestor, read_ack


def _group(world, **kw) -> dict:
    group = {"id": 11, "stage": "theory", "qualification_code": world.qualifications[1].code,
             "qualification_title": world.qualifications[1].title, "cok_inn": world.coks[0].inn,
             "venue_inn": None, "starts_at": "2026-12-01T10:00:00", "candidates": 12, "status": "planned"}
    group.update(kw)
    return group


def test_schedule_is_upserted(spk_world):
    services, sender = spk_world.services, Sender(spk_world)
    first = sender.schedule([_group(spk_world), _group(spk_world, id=12, stage="practice", candidates=3)])
    assert read_ack(services, ingestor(services).handle(first, sender.curve_key), first)["status"] == p.ACK_STORED
    rows = {r.source_group_id: r for r in PlannedExam.select()}
    assert set(rows) == {11, 12}
    assert rows[11].qualification_id == spk_world.qualifications[1].id
    assert rows[11].cok_id == spk_world.coks[0].id and rows[11].venue_id is None
    assert rows[11].starts_at == dt.datetime(2026, 12, 1, 10, 0) and rows[11].candidates == 12

    update = sender.schedule([_group(spk_world, candidates=15, status="started")])
    ingestor(services).handle(update, sender.curve_key)
    rows = {r.source_group_id: r for r in PlannedExam.select()}
    assert (rows[11].candidates, rows[11].status) == (15, "started")
    assert rows[12].candidates == 3  # not listed again: kept as last reported
    assert PlannedExam.select().count() == 2


def test_foreign_qualification_and_cok_are_not_matched(spk_world):
    """An appliance cannot file its plan under another СПК's qualification or another СПК's ЦОК."""
    services, factory = spk_world.services, spk_world.factory
    other_spk = factory.org(OrgKind.SPK, inn="7702070139")
    other_cok = factory.org(OrgKind.COK, parent=other_spk, inn="7810000001")
    foreign = Qualification.create(spk=other_spk, prof_standard=spk_world.qualifications[0].prof_standard,
                                   code="40.05400.09", name="Чужая квалификация", level=5)
    sender = Sender(spk_world)
    bundle = sender.schedule([_group(spk_world, qualification_code=foreign.code, cok_inn=other_cok.inn)])
    ingestor(services).handle(bundle, sender.curve_key)
    row = PlannedExam.get()
    assert row.qualification_id is None and row.cok_id == spk_world.coks[0].id


@pytest.mark.parametrize("group, reason", [
    ({"stage": "lunch"}, "Этап группы"),
    ({"starts_at": "завтра"}, "начало экзамена"),
    ({"id": "11"}, "идентификатор группы"),
    ({"candidates": -1}, "число соискателей"),
])
def test_bad_group_refuses_the_whole_schedule(spk_world, group, reason):
    services, sender = spk_world.services, Sender(spk_world)
    bundle = sender.schedule([_group(spk_world, id=1), _group(spk_world, **{"id": 2, **group})])
    with pytest.raises(BundleRefusedError) as info:
        ingestor(services).handle(bundle, sender.curve_key)
    assert reason in str(info.value)
    assert PlannedExam.select().count() == 0
