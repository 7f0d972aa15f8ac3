"""Group videos: recognised by content, streamed into the blob store, visible to the group's staff only."""
import io
import os

import pytest

from core.blobstore import BlobStore
from core.exceptions import NotFoundError, ValidationError
from core.models import AuditRecord, GroupVideo, OrgKind, Role
from core.services import group_videos
from core.workflow import Status

MP4 = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"
MOV = b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  "
WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08\x42\x82\x84webm"
MKV = b"\x1a\x45\xdf\xa3\xa3\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x88matroska"
AVI = b"RIFF\x00\x10\x00\x00AVI LIST"


@pytest.fixture
def blobs(tmp_path):
    return BlobStore(tmp_path / "blobs", b"v" * 32, chunk_size=64 * 1024)


@pytest.fixture
def world(exam_day_world, factory):
    world = exam_day_world
    world.staff = factory.user(Role.OPERATOR, world.cok, full_name="Попов Андрей Сергеевич")
    world.venue_staff = factory.user(Role.ADMIN, world.venue)
    world.stranger = factory.user(Role.ADMIN, factory.org(OrgKind.COK, parent=world.spk))
    world.group, world.members = world.started_group("Соколов Дмитрий Олегович")
    return world


@pytest.mark.parametrize("head, content_type", [(MP4, "video/mp4"), (MOV, "video/quicktime"), (WEBM, "video/webm"),
                                                (MKV, "video/x-matroska"), (AVI, "video/x-msvideo"),
                                                (b"\x00\x00\x00\x08mdat" + b"\x00" * 8, "video/quicktime")])
def test_containers_are_told_by_their_first_bytes(head, content_type):
    assert group_videos.video_type(head) == content_type


@pytest.mark.parametrize("head", [b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
                                  b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", b"RIFF\x00\x10\x00\x00WAVEfmt ",
                                  b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00", b""])
def test_pictures_audio_and_documents_are_not_video(head):
    assert group_videos.video_type(head) is None


def test_upload_streams_into_the_store_and_is_listed(world, blobs):
    data = MP4 + os.urandom(300_000)
    video = group_videos.add_video(world.staff, world.group, io.BytesIO(data), "аудитория 1.mp4", blobs)
    assert (video.content_type, video.size, video.filename) == ("video/mp4", len(data), "аудитория 1.mp4")
    assert b"".join(blobs.open(video.digest)) == data
    assert [v.id for v in group_videos.videos_of(world.group)] == [video.id]
    assert group_videos.videos_of(world.group)[0].uploaded_by.full_name == "Попов Андрей Сергеевич"
    assert AuditRecord.select().where((AuditRecord.entity == "group_video") & (AuditRecord.action == "create")
                                      & (AuditRecord.entity_id == str(video.id))).exists()


def test_venue_staff_upload_too(world, blobs):
    video = group_videos.add_video(world.venue_staff, world.group, io.BytesIO(WEBM + b"\x00" * 10), "зал.webm", blobs)
    assert video.content_type == "video/webm"


def test_wrong_files_are_refused_in_russian_and_nothing_is_kept(world, blobs):
    with pytest.raises(ValidationError, match="не является видеозаписью") as refused:
        group_videos.add_video(world.staff, world.group, io.BytesIO(b"%PDF-1.7 " * 100), "видео.mp4", blobs)
    assert refused.value.field == "video"
    with pytest.raises(ValidationError, match="пустой"):
        group_videos.add_video(world.staff, world.group, io.BytesIO(b""), "пусто.mp4", blobs)
    with pytest.raises(ValidationError, match="Видео больше 1,0 МБ"):
        group_videos.add_video(world.staff, world.group, io.BytesIO(MP4 + b"\x00" * 2_000_000), "long.mp4", blobs,
                               max_bytes=1024 * 1024)
    with pytest.raises(ValidationError, match="путь"):
        group_videos.add_video(world.staff, world.group, io.BytesIO(MP4), "../../etc.mp4", blobs)
    assert not GroupVideo.select().exists()
    assert not list((blobs.root / "tmp").iterdir())


def test_another_cok_neither_uploads_nor_opens_nor_deletes(world, blobs):
    video = group_videos.add_video(world.staff, world.group, io.BytesIO(MP4), "a.mp4", blobs)
    with pytest.raises(NotFoundError):
        group_videos.add_video(world.stranger, world.group, io.BytesIO(MP4), "b.mp4", blobs)
    with pytest.raises(NotFoundError):
        group_videos.get_video(world.stranger, world.group, video.id)
    with pytest.raises(NotFoundError):
        group_videos.delete_video(world.stranger, world.group, video.id)
    other_group, _ = world.started_group("Белова Анна Сергеевна")
    with pytest.raises(NotFoundError):  # our video under our other group's id
        group_videos.get_video(world.staff, other_group, video.id)
    assert GroupVideo.select().count() == 1


def test_delete_only_before_the_results_went_to_the_spk(world, blobs):
    first = group_videos.add_video(world.staff, world.group, io.BytesIO(MP4 + b"1"), "a.mp4", blobs)
    second = group_videos.add_video(world.staff, world.group, io.BytesIO(MP4 + b"2"), "b.mp4", blobs)
    group_videos.delete_video(world.staff, world.group, first.id)
    assert [v.id for v in group_videos.videos_of(world.group)] == [second.id]
    application = world.members[0].application
    application.status = Status.SENT_TO_SPK.value
    application.save()
    with pytest.raises(ValidationError, match="переданы в СПК"):
        group_videos.delete_video(world.staff, world.group, second.id)
    assert GroupVideo.get_or_none(GroupVideo.id == second.id) is not None


def test_sizes_are_written_the_russian_way():
    assert group_videos.size_text(512 * 1024) == "512 КБ"
    assert group_videos.size_text(int(23.4 * 1024 ** 2)) == "23,4 МБ"
    assert group_videos.size_text(8 * 1024 ** 3) == "8,0 ГБ"
