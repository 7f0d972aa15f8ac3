"""The sender over a real CURVE socket: order and serials, silence and retries, refusals, a lost ack
after a crash, video parts resumed from the registry's offset, acks not signed by the registry."""
from __future__ import annotations

import datetime as dt
import json
import os

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from federation_kit import TIMEOUT, enrolled, registry, sent_result, world  # noqa: F401 (fixtures)
from appliance.bootstrap import open_services
from core.db import use_database
from core.models import SpkSubmission
from federation import retry
from federation.identity import current_link, load_keys
from federation.models import OutboxItem, OutboxState, RegistryLink
from federation.outbox import enqueue_submissions
from federation.parts_blob import pack_parts, unpack_parts
from federation.protocol import CHUNK_SIZE, KIND_EXAM_SCHEDULE, KIND_VIDEO_PART, ChunkMeta
from federation.sender import push

T0 = dt.datetime(2026, 11, 20, 12, 0, 0)


def schedule_item(services, title: str) -> OutboxItem:
    digest = services.blobs.put(pack_parts({"schedule.json": json.dumps({"groups": [], "t": title}).encode()})).digest
    return OutboxItem.create(kind=KIND_EXAM_SCHEDULE, source=f"test:{title}", title=title, parts_digest=digest,
                             next_attempt_at=T0)


def video_item(services, size: int) -> tuple[OutboxItem, bytes]:
    data = os.urandom(size)
    ref = services.blobs.put(data)
    meta = {"title": "Веб-камера — Рабочее место 3, 10:00:00–10:01:00", "meta": {"recording": 5, "stream": "webcam"}}
    item = OutboxItem.create(kind=KIND_VIDEO_PART, source=f"video:{ref.digest}", title=meta["title"],
                             file_digest=ref.digest, file_size=ref.size, meta=json.dumps(meta), next_attempt_at=T0)
    return item, data


def fresh(item: OutboxItem) -> OutboxItem:
    return OutboxItem.get_by_id(item.id)


def send(services, enrolled, **kw):
    keys, _ = enrolled
    kw.setdefault("timeout", TIMEOUT)
    kw.setdefault("retries", 0)
    return push(services, keys=keys, link=current_link(), **kw)


def test_retry_schedule_doubles_and_is_capped():
    assert [retry.delay(n).total_seconds() for n in range(5)] == [10, 20, 40, 80, 160]
    assert retry.delay(7) == retry.delay(60) == dt.timedelta(minutes=15)


def test_items_go_in_id_order_with_serials_fixed(services, world, enrolled, registry):
    submission = sent_result(world, services)
    assert enqueue_submissions(services) == 1
    result = OutboxItem.get()
    later = [schedule_item(services, f"План {n}") for n in (1, 2)]
    registry.reference_version = 7
    report = send(services, enrolled)
    assert (report.sent, report.done, report.refused, report.unreachable) == (3, 3, 0, False)
    assert [r.serial for r in registry.stored] == [1, 2, 3]
    assert [r.kind for r in registry.stored] == ["exam_result", "exam_schedule", "exam_schedule"]
    items = [fresh(i) for i in (result, *later)]
    assert [i.serial for i in items] == [1, 2, 3] and all(i.state == OutboxState.DONE for i in items)
    assert [r.bundle_id for r in registry.stored] == [i.bundle_id for i in items]
    assert registry.stored[0].parts == unpack_parts(services.blobs.read(result.parts_digest)), "sent as stored"
    assert json.loads(items[0].ack)["status"] == "stored"
    submission = SpkSubmission.get_by_id(submission.id)
    assert submission.sent_at is not None and submission.bundle_serial == 1
    link = current_link()
    assert link.next_serial == 4 and link.last_contact_at is not None and link.last_error is None
    assert report.reference_version == 7 and report.needs_pull(link), "a newer reference version is announced"


def test_silent_registry_schedules_a_retry_and_loses_nothing(services, enrolled, registry):
    first, second = schedule_item(services, "Первый"), schedule_item(services, "Второй")
    registry.silent = 1
    report = send(services, enrolled, now=T0)
    assert report.unreachable and report.sent == 0 and "не ответил" in report.error
    item = fresh(first)
    assert item.state == OutboxState.PENDING and item.attempts == 1 and item.serial == 1
    assert item.next_attempt_at == T0 + retry.delay(1) == report.retry_at
    assert "не ответил" in item.last_error and "не ответил" in current_link().last_error
    assert fresh(second).serial is None, "the pass stopped: nothing overtakes the first item"
    calls = len(registry.calls)
    waiting = send(services, enrolled, now=T0 + dt.timedelta(seconds=10))
    assert waiting.sent == 0 and waiting.retry_at == item.next_attempt_at and len(registry.calls) == calls
    done = send(services, enrolled, now=T0 + dt.timedelta(seconds=21))
    assert done.sent == 2 and [r.serial for r in registry.stored] == [1, 2]
    assert registry.stored[0].bundle_id == registry.calls[0].bundle_id == item.bundle_id, "the same bundle again"
    assert fresh(first).attempts == 0 and fresh(first).last_error is None


def test_refused_item_gives_its_serial_to_the_next(services, enrolled, registry):
    first, second = schedule_item(services, "Отклоняемый"), schedule_item(services, "Следующий")
    registry.refuse = ["Подпись пакета неверна или сделана другим ключом"]
    report = send(services, enrolled)
    assert report.refusals == ["«Отклоняемый»: Подпись пакета неверна или сделана другим ключом"]
    refused = fresh(first)
    assert refused.state == OutboxState.REFUSED and refused.last_error.startswith("Подпись пакета неверна")
    accepted = fresh(second)
    assert accepted.state == OutboxState.DONE and accepted.serial == 1, "the registry did not advance"
    assert [r.serial for r in registry.stored] == [1] and current_link().next_serial == 2


def test_held_ack_completes_the_item(services, enrolled, registry):
    item = schedule_item(services, "Вперёд")
    link = current_link()
    link.next_serial = 3
    link.save()
    assert send(services, enrolled).done == 1
    assert fresh(item).state == OutboxState.DONE and json.loads(fresh(item).ack)["status"] == "held"


def test_duplicate_ack_after_a_crash_between_send_and_ack(services, nok_config, enrolled, registry):
    first, second = schedule_item(services, "Первый"), schedule_item(services, "Второй")
    registry.store_then_silent = 1
    assert send(services, enrolled, now=T0).unreachable
    assert [r.serial for r in registry.stored] == [1] and fresh(first).state == OutboxState.PENDING
    # The appliance restarts: a second sender over the same database file.
    restarted = open_services(nok_config, services.plugins)
    try:
        report = push(restarted, keys=load_keys(nok_config), link=RegistryLink.get(), timeout=TIMEOUT, retries=0,
                      now=T0 + dt.timedelta(minutes=1))
        assert report.sent == 2 and report.done == 2
        assert [json.loads(fresh(i).ack)["status"] for i in (first, second)] == ["duplicate", "stored"]
        assert [r.serial for r in registry.stored] == [1, 2], "stored once, nothing doubled"
        assert [r.bundle_id for r in registry.stored] == [fresh(first).bundle_id, fresh(second).bundle_id]
    finally:
        restarted.db.close()
        use_database(services.db)


def test_video_part_resumes_from_the_offset_the_registry_answers(services, enrolled, registry):
    item, data = video_item(services, CHUNK_SIZE + 1000)
    assert send(services, enrolled, limit=1).sent == 1
    moved = fresh(item)
    assert moved.offset == CHUNK_SIZE and moved.serial is None and moved.state == OutboxState.PENDING
    first = ChunkMeta.from_bytes(registry.stored[0].parts["meta.json"])
    assert (first.part_id, first.offset, first.total_size) == (item.file_digest, 0, len(data))
    assert first.meta == {"recording": 5, "stream": "webcam"} and first.title.startswith("Веб-камера")
    del registry.files[item.file_digest][1000:]  # the registry kept only 1000 bytes of the first chunk
    report = send(services, enrolled)
    assert report.done == 1 and fresh(item).state == OutboxState.DONE
    offsets = [ChunkMeta.from_bytes(r.parts["meta.json"]).offset for r in registry.stored]
    assert offsets == [0, CHUNK_SIZE, 1000], "resumed from where the registry said"
    assert bytes(registry.files[item.file_digest]) == data
    assert [r.serial for r in registry.stored] == [1, 2, 3], "each chunk is its own bundle"


def test_video_chunk_whose_ack_was_lost_is_not_sent_twice(services, enrolled, registry):
    item, data = video_item(services, CHUNK_SIZE + 1000)
    registry.store_then_silent = 1
    assert send(services, enrolled, now=T0).unreachable
    assert fresh(item).offset == 0 and fresh(item).serial == 1
    assert send(services, enrolled, now=T0 + dt.timedelta(minutes=1)).done == 1
    assert bytes(registry.files[item.file_digest]) == data and len(registry.stored) == 2
    assert json.loads(fresh(item).ack)["status"] == "stored" and fresh(item).offset == len(data)


def test_ack_not_signed_by_the_pinned_registry_is_not_trusted(services, enrolled, registry):
    item = schedule_item(services, "План")
    registry.ack_key = Ed25519PrivateKey.generate()
    report = send(services, enrolled, now=T0)
    assert not report.unreachable and report.sent == 0 and "Подпись ответа реестра неверна" in report.error
    pending = fresh(item)
    assert pending.state == OutboxState.PENDING and pending.attempts == 1
    assert "Подпись ответа реестра неверна" in pending.last_error and current_link().last_contact_at is None


def test_item_whose_data_is_gone_is_refused_without_spending_a_serial(services, enrolled, registry):
    lost = OutboxItem.create(kind=KIND_EXAM_SCHEDULE, source="test:lost", title="Потерянный", parts_digest="ab" * 32,
                             next_attempt_at=T0)
    kept = schedule_item(services, "Целый")
    report = send(services, enrolled)
    assert fresh(lost).state == OutboxState.REFUSED and fresh(lost).serial is None
    assert "не найдены в хранилище" in fresh(lost).last_error and report.refused == 1
    assert fresh(kept).serial == 1 and fresh(kept).state == OutboxState.DONE
