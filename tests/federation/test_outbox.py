"""The outbox: «Отправить в СПК» → an exam_result item whose parts are fixed at enqueue time, and the
план-график queued when it changes (federation/outbox.py, result_parts.py, schedule_parts.py)."""
from __future__ import annotations

import datetime as dt
import io
import json
import re

from pypdf import PdfReader

from federation_kit import sent_result, sha256, world  # noqa: F401 (fixtures)
from core.models import ExamGroup, SpkSubmission
from core.services import commission_protocol
from federation.models import OutboxItem, OutboxState
from federation.outbox import enqueue_schedule, enqueue_submissions
from federation.parts_blob import unpack_parts
from federation.protocol import KIND_EXAM_RESULT, KIND_EXAM_SCHEDULE

PART_NAME = r"[A-Za-z0-9][A-Za-z0-9._-]*"


def stored_parts(services, item: OutboxItem) -> dict[str, bytes]:
    return unpack_parts(services.blobs.read(item.parts_digest))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_enqueue_builds_the_result_parts(services, world):
    submission = sent_result(world, services)
    assert enqueue_submissions(services) == 1
    item = OutboxItem.get()
    assert (item.kind, item.source, item.state) == (KIND_EXAM_RESULT, f"spk_submission:{submission.id}",
                                                   OutboxState.PENDING)
    assert item.serial is None and item.bundle_id is None and "Соколов Дмитрий Олегович" in item.title
    parts = stored_parts(services, item)
    assert set(parts) == {"result.json", "doc-01.pdf", "sheet.pdf", "protocol.pdf", "protocol-signed.png"}
    assert all(re.fullmatch(PART_NAME, name) for name in parts), "core.bundle's rule for part names"
    doc = json.loads(parts["result.json"])
    assert doc["format"] == "nok-result-bundle/1"
    assert doc["submission"] == {"id": submission.id, "queued_at": submission.queued_at.isoformat()}
    assert doc["result"] == json.loads(submission.payload), "the snapshot as the ЦОК sent it"
    assert doc["applied_at"] and doc["video"] == []
    listed = {d["part"]: d for d in doc["documents"]}
    assert set(listed) == set(parts) - {"result.json"}
    for name, entry in listed.items():
        assert entry["size"] == len(parts[name]) and entry["sha256"] == sha256(parts[name])
    assert listed["doc-01.pdf"]["title"] == "Паспорт" and parts["doc-01.pdf"].startswith(b"%PDF-1.4 passport")
    assert listed["protocol-signed.png"]["content_type"] == "image/png"
    assert listed["protocol.pdf"]["title"].startswith("Протокол экспертной комиссии № 5-ЭК")
    assert "Соколов" in pdf_text(parts["sheet.pdf"]) and "ведомость" in pdf_text(parts["sheet.pdf"]).lower()
    assert "5-ЭК" in pdf_text(parts["protocol.pdf"])
    theory = [a for a in doc["answers"] if a["stage"] == "theory"]
    assert [a["number"] for a in theory] == list(range(1, 7)), "the six drawn questions, in the candidate's order"
    assert all(a["answer"] and a["points"] == a["max_points"] for a in theory), "all answered right"
    assert any(a["question"].startswith("Кто обязан обеспечить") and a["answer"] == "Работодатель"
               or a["question"].startswith("Кто утверждает") and a["answer"] == "Работодатель" for a in theory)


def test_parts_are_fixed_at_enqueue_and_queued_once(services, world):
    submission = sent_result(world, services)
    enqueue_submissions(services)
    before = stored_parts(services, OutboxItem.get())
    group = ExamGroup.get_by_id(json.loads(submission.payload)["commission"]["group_id"])
    commission_protocol.generate_protocol(world.chair, group, "9-НОВЫЙ", dt.date.today().isoformat(), services.blobs)
    assert enqueue_submissions(services) == 0, "a submission is queued once"
    after = stored_parts(services, OutboxItem.get())
    assert after == before and "9-НОВЫЙ" not in pdf_text(after["protocol.pdf"])


def test_only_unsent_submissions_are_queued(services, world):
    first = sent_result(world, services, "Белова Анна Сергеевна", protocol=False, document=None)
    second = sent_result(world, services, "Колиниченко Михаил Андреевич", protocol=False, document=None)
    first.sent_at = dt.datetime(2026, 11, 20, 12, 0)
    first.save()
    assert enqueue_submissions(services) == 1
    (item,) = OutboxItem.select()
    assert item.source == f"spk_submission:{second.id}"
    parts = stored_parts(services, item)
    assert set(parts) == {"result.json", "sheet.pdf"}, "no documents, no protocol: nothing invented"
    assert SpkSubmission.select().where(SpkSubmission.sent_at.is_null()).count() == 1


def test_schedule_is_queued_when_the_groups_change(services, world):
    world.theory("Белова Анна Сергеевна")
    old = ExamGroup.create(kind="theory", cok=world.cok, venue=world.venue, qualification=world.qual,
                           starts_at=dt.datetime.now() - dt.timedelta(days=45), seats=5)
    assert enqueue_schedule(services) is True
    item = OutboxItem.get(OutboxItem.kind == KIND_EXAM_SCHEDULE)
    groups = json.loads(stored_parts(services, item)["schedule.json"])["groups"]
    assert old.id not in [g["id"] for g in groups], "only groups from 30 days ago on"
    (group,) = groups
    assert group["stage"] == "theory" and group["qualification_code"] == world.qual.code
    assert group["candidates"] == 1 and group["status"] == "Экзамен проведён"
    assert json.loads(item.meta)["hash"]
    assert enqueue_schedule(services) is False, "unchanged: nothing new"
    ExamGroup.create(kind="practice", cok=world.cok, venue=world.venue, qualification=world.qual,
                     starts_at=dt.datetime.now() + dt.timedelta(days=3), seats=5)
    assert enqueue_schedule(services) is True
    latest = OutboxItem.select().where(OutboxItem.kind == KIND_EXAM_SCHEDULE).order_by(OutboxItem.id.desc()).first()
    groups = json.loads(stored_parts(services, latest)["schedule.json"])["groups"]
    assert [g["status"] for g in groups] == ["Экзамен проведён", "Формируется"]
