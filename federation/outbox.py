"""Исходящая очередь: turning what the appliance has to tell the registry into `OutboxItem` rows.

* Every «Отправить в СПК» (`SpkSubmission` with ``sent_at`` empty) becomes one ``exam_result``
  item whose parts are read, rendered and stored as one blob now, followed by one ``video_part``
  item per recording file of the candidate not queued before (a room camera's file is shared by
  the candidates of its group: it travels once).
* The list of exam groups becomes an ``exam_schedule`` item whenever it changed since the last one.

Parts are built outside the transaction (rendering a PDF takes a while); the rows are created in
one write transaction that checks again that nobody queued the same source meanwhile, so two
processes enqueueing at once never double an item.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from core.db import write_transaction
from core.exceptions import NokError
from core.models import SpkSubmission
from federation.models import OutboxItem, OutboxState
from federation.parts_blob import pack_parts
from federation.protocol import KIND_EXAM_RESULT, KIND_EXAM_SCHEDULE, KIND_VIDEO_PART, PART_SCHEDULE
from federation.result_parts import build_result_parts
from federation.schedule_parts import schedule_groups, schedule_hash, schedule_part
from federation.texts import plural

log = logging.getLogger(__name__)


def submission_source(submission_id: int) -> str:
    return f"spk_submission:{submission_id}"


def video_source(digest: str) -> str:
    return f"video:{digest}"


@dataclass
class EnqueueReport:
    items: int = 0
    errors: list[str] = field(default_factory=list)


def _queued(sources: list[str]) -> set[str]:
    if not sources:
        return set()
    return {row.source for row in OutboxItem.select(OutboxItem.source).where(OutboxItem.source.in_(sources))}


def item_meta(item: OutboxItem) -> dict[str, Any]:
    """The item's stored JSON meta ({} when missing or broken)."""
    try:
        value = json.loads(item.meta or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def enqueue_submission(services, submission: SpkSubmission) -> int:
    """Queue one submission and its recordings; returns the number of items created (0: queued before)."""
    source = submission_source(submission.id)
    if _queued([source]):
        return 0
    built = build_result_parts(services, submission)
    digest = services.blobs.put(pack_parts(built.parts)).digest
    application = submission.application
    title = f"Результат: {application.full_name}, {application.qualification.title}"
    created = 0
    with write_transaction(services.db):
        if _queued([source]):
            return 0
        OutboxItem.create(kind=KIND_EXAM_RESULT, source=source, title=title[:300], parts_digest=digest,
                          meta=json.dumps({"submission": submission.id, "application": application.id}))
        created += 1
        videos = {video_source(v["digest"]): v for v in built.video}
        already = _queued(list(videos))
        for src, video in videos.items():
            if src in already:
                continue
            OutboxItem.create(kind=KIND_VIDEO_PART, source=src, title=str(video["title"])[:300],
                              file_digest=video["digest"], file_size=video["size"],
                              meta=json.dumps({"title": video["title"], "meta": video["meta"]}, ensure_ascii=False))
            created += 1
    return created


def enqueue_submissions(services) -> int:
    """Queue every unsent «Отправить в СПК» that has no item yet; returns the number of items created.

    A submission whose files cannot be read (a blob missing) is logged and left for the next pass;
    the others are queued all the same.
    """
    report = enqueue_report(services)
    return report.items


def enqueue_report(services) -> EnqueueReport:
    report = EnqueueReport()
    pending = list(SpkSubmission.select().where(SpkSubmission.sent_at.is_null()).order_by(SpkSubmission.id))
    queued = _queued([submission_source(s.id) for s in pending])
    for submission in pending:
        if submission_source(submission.id) in queued:
            continue
        try:
            report.items += enqueue_submission(services, submission)
        except NokError as ex:
            message = f"Результат «{submission.application.full_name}» не поставлен в очередь: {ex}"
            log.error(message)
            report.errors.append(message)
        except Exception:  # a bug in one result must not hold back the others
            log.exception("Результат (отправка в СПК № %s) не поставлен в очередь", submission.id)
            report.errors.append(f"Результат «{submission.application.full_name}» не поставлен в очередь: "
                                 "внутренняя ошибка, подробности в журнале.")
    return report


def last_schedule_hash() -> str | None:
    last = (OutboxItem.select().where((OutboxItem.kind == KIND_EXAM_SCHEDULE)
                                      & (OutboxItem.state != OutboxState.REFUSED))
            .order_by(OutboxItem.id.desc()).first())
    return item_meta(last).get("hash") if last else None


def enqueue_schedule(services, now: dt.datetime | None = None) -> bool:
    """Queue the list of exam groups when it differs from the last one queued; True when queued."""
    groups = schedule_groups(now)
    digest = schedule_hash(groups)
    if last_schedule_hash() == digest:
        return False
    blob = services.blobs.put(pack_parts({PART_SCHEDULE: schedule_part(groups)})).digest
    with write_transaction(services.db):
        if last_schedule_hash() == digest:
            return False
        count = plural(len(groups), "экзаменационная группа", "экзаменационные группы", "экзаменационных групп")
        OutboxItem.create(kind=KIND_EXAM_SCHEDULE, source=f"schedule:{digest[:16]}",
                          title=f"План-график: {count}", parts_digest=blob,
                          meta=json.dumps({"hash": digest, "groups": len(groups)}))
    return True
