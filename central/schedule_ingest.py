"""`exam_schedule` bundles: the appliance's exam groups become rows of the СПК's план-график.

Each group is upserted by (appliance, group id), so a resent or updated schedule changes the rows
instead of duplicating them; groups the appliance no longer lists stay as they were last reported.
"""
from __future__ import annotations

from typing import Any, Callable

import peewee

from central.models import Appliance, PlannedExam
from central.results_ingest import (integer, items, iso_datetime, load_json_part, match_cok, match_qualification,
                                    match_venue, obj, text)
from core.bundle import OpenedBundle
from core.context import Services
from core.exceptions import ValidationError
from core.models.organisations import _now
from federation.protocol import PART_SCHEDULE

STAGES = ("theory", "practice")
MAX_GROUPS = 10_000


def _group(appliance: Appliance, raw: Any) -> dict[str, Any]:
    group = obj(raw, "groups[]")
    stage = group.get("stage")
    if stage not in STAGES:
        raise ValidationError(f"Этап группы должен быть theory или practice, получено {str(stage)[:40]!r}.")
    code = text(group.get("qualification_code"), "код квалификации", 16, required=False)
    return dict(
        source_group_id=integer(group.get("id"), "идентификатор группы", low=1),
        stage=stage,
        qualification=match_qualification(appliance, code),
        qualification_title=(text(group.get("qualification_title"), "наименование квалификации", 600,
                                  required=False) or code or "—"),
        cok=match_cok(appliance, text(group.get("cok_inn"), "ИНН ЦОК", 12, required=False)),
        venue=match_venue(appliance, text(group.get("venue_inn"), "ИНН площадки", 12, required=False)),
        starts_at=iso_datetime(group.get("starts_at"), "начало экзамена"),
        candidates=integer(group.get("candidates", 0), "число соискателей", high=32767),
        status=text(group.get("status"), "статус группы", 32, required=False) or "",
    )


def _raw(value: Any) -> Any:
    """What peewee keeps in `__data__`: a foreign key's id."""
    return value.id if isinstance(value, peewee.Model) else value


def store_schedule(services: Services, appliance: Appliance, bundle: OpenedBundle,
                   after_commit: list[Callable[[], None]]) -> dict[str, Any]:
    """Upsert every group of the schedule (inside the bundle's transaction)."""
    doc = load_json_part(bundle, PART_SCHEDULE, "план-график")
    groups = items(doc.get("groups"), "groups")
    if len(groups) > MAX_GROUPS:
        raise ValidationError(f"В плане-графике больше {MAX_GROUPS} групп.")
    rows = [_group(appliance, raw) for raw in groups]  # check all before writing any
    for values in rows:
        row = PlannedExam.get_or_none(PlannedExam.appliance == appliance,
                                      PlannedExam.source_group_id == values["source_group_id"])
        if row is None:
            PlannedExam.create(appliance=appliance, **values)
            continue
        changed = [name for name, value in values.items() if row.__data__.get(name) != _raw(value)]
        for name in changed:
            setattr(row, name, values[name])
        if changed:
            row.updated_at = _now()
            row.save()
    return {}
