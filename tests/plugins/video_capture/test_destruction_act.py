"""`destruction.run`: files gone, rows gone, recordings marked, audit written, the act read back from its PDF."""
import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from retention_kit import digests, world  # noqa: F401 (fixture)
from core import audit
from core.audit import AuditRecord
from core.exceptions import BlobNotFoundError
from core.models import GroupVideo
from core.models.commission import Verdict
from core.workflow import Status
from plugins.video_capture import destruction
from plugins.video_capture.destruction_act import RECORDING_ENTITY, size_text
from plugins.video_capture.models import DestructionAct, Recording, Segment
from plugins.video_capture.segments_store import upload_path

LATER = dt.date(2027, 6, 1)  # the failed candidates' year is over, the passed one's six years are not


def pdf_text(data: bytes) -> str:
    return " ".join("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


@pytest.fixture
def exam(world):
    """One group: a passed, a failed and an undecided candidate, each filmed; and the room camera."""
    group = world.group()
    passed = world.candidate(group, "Соколов Дмитрий Олегович", Status.CERTIFICATE_ISSUED)
    failed = world.candidate(group, "Петров Пётр Петрович", Status.SENT_TO_SPK, Verdict.FAILED)
    world.candidate(group, "Иванова Анна Сергеевна", Status.CONCLUSION_ISSUED)
    recs = {"passed": world.recording(group, passed), "failed": world.recording(group, failed, segments=3),
            "screen": world.recording(group, failed, source="screen", segments=1), "room": world.recording(group)}
    return group, recs


def test_run_destroys_due_recordings_and_writes_the_act(world, services, exam):
    group, recs = exam
    gone = digests(recs["failed"]) + digests(recs["screen"])
    kept = digests(recs["passed"]) + digests(recs["room"])
    first = Segment.get((Segment.recording == recs["failed"].id) & (Segment.seq == 0))
    # as the playback and upload modules write them: a segment played, the candidate's page, a refused upload
    audit.record("view", "video_segment", first.id, {"recording": recs["failed"].uuid, "seq": 0})
    audit.record("view", "video_recordings", recs["failed"].member_id, {"group": group.id})
    audit.record("video_segment_refused", RECORDING_ENTITY, recs["failed"].id, {"seq": 3})
    audit.record("view", "video_recordings", recs["passed"].member_id, {"group": group.id})  # kept: not in the act
    unfinished = Segment.create(recording=recs["screen"], seq=1, started_at=first.started_at, ended_at=first.ended_at,
                                frames=1, width=1280, height=720, sha256="c" * 64, prev_sha256="d" * 64,
                                signature="ab" * 64, size=5000, received=1000)
    part = upload_path(services.config.data_dir, recs["screen"], 1)
    part.parent.mkdir(parents=True, exist_ok=True)
    part.write_bytes(b"\x1aE\xdf\xa3" * 250)

    (result,) = destruction.run(services.blobs, LATER, services.config.data_dir)

    for digest in gone:
        assert not services.blobs.exists(digest)
    assert all(services.blobs.exists(d) for d in kept)
    assert not part.exists() and result.files_deleted == 4
    assert Segment.select().where(Segment.recording.in_([recs["failed"].id, recs["screen"].id])).count() == 0
    assert Segment.get_or_none(Segment.id == unfinished.id) is None
    act = DestructionAct.get_by_id(result.act.id)
    assert re.fullmatch(r"АУ-2027-0001", act.number) and act.venue_id == world.venue.id
    assert (act.recordings, act.segments, act.bytes_destroyed, act.act_date) == (2, 5, 17000, LATER)
    for key in ("failed", "screen"):
        rec = Recording.get_by_id(recs[key].id)
        assert rec.destroyed_at is not None and rec.label == "Запись уничтожена, акт № АУ-2027-0001"
    assert Recording.get_by_id(recs["passed"].id).destroyed_at is None
    destroyed = AuditRecord.select().where(AuditRecord.action == "destroy").order_by(AuditRecord.seq)
    assert [r.entity_id for r in destroyed] == [str(recs["failed"].id), str(recs["screen"].id)]
    assert '"act":"АУ-2027-0001"' in destroyed[0].data and '"subject":"Петров Пётр Петрович"' in destroyed[0].data
    assert audit.verify_chain() > 0

    text = pdf_text(services.blobs.read(act.pdf_digest))
    assert "Акт об уничтожении персональных данных № АУ-2027-0001" in text and "1 июня 2027 г." in text
    assert "«Центр оценки квалификаций «Охрана труда»" in text and "ИНН 7722415832" in text
    assert "Экзаменационный центр «Нижегородский»" in text
    assert "№ 152-ФЗ" in text and "от 28.10.2022 № 179" in text and "759н" in text
    assert "заголовок файла с ключом шифрования перезаписывается нулями" in text
    assert text.count("Петров Пётр Петрович") >= 2  # both of his recordings (and the log's destruction entries)
    assert "Соколов" not in text and "Иванова" not in text and "камера зала" not in text
    assert "камера, Рабочее место 3" in text and "экран, Рабочее место 3" in text
    assert "16.03.2026" in text and "16.03.2027" in text and "40.05400.01" in text
    assert "Итого видеозаписей: 2 5 16,6 КБ" in text and size_text(17000) == "16,6\u00a0КБ"
    assert "Выгрузка из журнала регистрации событий" in text
    log = text.split("Выгрузка из журнала регистрации событий")[1]
    for action in ("создание", "просмотр", "сегмент отклонён (подпись)", "уничтожение"):
        assert action in log
    assert f"recording: {recs['failed'].uuid}; seq: 0" in log and "seq: 3" in log and "act: АУ-2027-0001" in log
    assert f"№ {recs['failed'].id}, {recs['screen'].id} group: {group.id}" in log  # the candidate's page: both
    assert log.count("просмотр") == 2  # the passed candidate's page view is not in this act
    assert "Генеральный директор" in text and "Петров С. Н." in text


def test_second_run_destroys_nothing_new(world, services, exam):
    assert len(destruction.run(services.blobs, LATER)) == 1
    assert destruction.run(services.blobs, LATER) == []
    assert DestructionAct.select().count() == 1
    later = destruction.run(services.blobs, dt.date(2032, 3, 17))  # the passed candidate and the room now
    assert [r.act.number for r in later] == ["АУ-2032-0001"] and later[0].act.recordings == 2


def test_one_act_per_venue(world, services):
    here, there = world.group(), world.group(venue=world.other_venue)
    world.recording(here, world.candidate(here, "Петров Пётр Петрович", Status.CONCLUSION_ISSUED))
    world.recording(there, world.candidate(there, "Орлова Мария Ивановна", Status.CONCLUSION_ISSUED),
                    station=world.other_station)
    results = destruction.run(services.blobs, LATER)
    assert [(r.act.number, r.act.venue_id) for r in results] == [("АУ-2027-0001", world.venue.id),
                                                                  ("АУ-2027-0002", world.other_venue.id)]
    assert "Орлова" not in pdf_text(services.blobs.read(results[0].act.pdf_digest))


def test_file_shared_with_a_kept_row_stays(world, services, exam):
    group, recs = exam
    shared, *others = digests(recs["failed"])
    GroupVideo.create(group=group, digest=shared, filename="зал.webm", content_type="video/webm", size=3000)
    (result,) = destruction.run(services.blobs, LATER)
    assert services.blobs.exists(shared) and result.files_deleted == 3  # 2 of «failed», 1 of «screen»
    assert others and not any(services.blobs.exists(d) for d in others)


def test_rerun_after_a_crash_between_files_and_rows(world, services, exam, monkeypatch):
    """Files deleted, then the act failed: nothing is marked, and the next run finishes the job."""
    _, recs = exam
    files = digests(recs["failed"])

    def broken(data):
        raise RuntimeError("принтер сломался")

    monkeypatch.setattr(destruction, "render_act_pdf", broken)
    with pytest.raises(RuntimeError):
        destruction.run(services.blobs, LATER)
    assert not any(services.blobs.exists(d) for d in files)
    assert Recording.get_by_id(recs["failed"].id).destroyed_at is None and DestructionAct.select().count() == 0
    assert Segment.select().where(Segment.recording == recs["failed"].id).count() == 3
    monkeypatch.undo()
    (result,) = destruction.run(services.blobs, LATER)
    assert result.act.recordings == 2 and result.act.segments == 4 and result.files_deleted == 0
    with pytest.raises(BlobNotFoundError):
        services.blobs.read(files[0])
