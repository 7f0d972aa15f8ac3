"""«Загрузить видео»: the recording of a whole group's exam, uploaded from the group page (seed 002).

A recording may be several gigabytes, so the upload is never held in memory: the first bytes
are read to tell the container by its signature (MP4/MOV, WebM/Matroska, AVI — a name ending
in .mp4 proves nothing), then the whole stream goes chunk by chunk into the encrypted blob
store, which stops at the size limit. Staff of the group's ЦОК or venue upload and delete; a
recording is evidence of the exam, so once the group's results went to the СПК it stays.

Blobs are not destroyed on delete (the store deduplicates; destroying unreferenced blobs is the
retention job's work, as for documents).
"""
from __future__ import annotations

from typing import BinaryIO

import peewee

from core.blobstore import BlobStore
from core.db import write_transaction
from core.exceptions import NotFoundError, ValidationError
from core.models import Application, ExamGroup, GroupMember, GroupVideo, User
from core.services import exam_groups
from core.uploads import read_head, safe_filename, store_checked
from core.workflow import Status

GIB = 1024 ** 3
DEFAULT_MAX_BYTES = 8 * GIB
HEAD_SIZE = 64
FIELD = "video"
TYPE_TITLES = {"video/mp4": "MP4", "video/quicktime": "MOV", "video/webm": "WebM", "video/x-matroska": "MKV",
               "video/x-msvideo": "AVI"}
# Once a member's result went to the СПК the group's recordings are part of what was sent.
SENT_STATUSES = frozenset({Status.SENT_TO_SPK.value, Status.APPROVED_BY_SPK.value, Status.SENT_TO_NARK.value,
                           Status.CERTIFICATE_ISSUED.value, Status.CONCLUSION_ISSUED.value})
# ISO media files that are not video: HEIF/AVIF pictures, M4A/M4B audio.
_NOT_VIDEO_BRANDS = frozenset({b"heic", b"heix", b"mif1", b"msf1", b"avif", b"avis", b"M4A ", b"M4B ", b"M4P "})
_QUICKTIME_ATOMS = frozenset({b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"})


def video_type(head: bytes) -> str | None:
    """The container by its first bytes, or None when it is not a video we accept."""
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _NOT_VIDEO_BRANDS:
            return None
        return "video/quicktime" if brand == b"qt  " else "video/mp4"
    if head[4:8] in _QUICKTIME_ATOMS:  # QuickTime files written before the ftyp atom existed
        return "video/quicktime"
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # EBML: the DocType says WebM or Matroska
        return "video/webm" if b"webm" in head else "video/x-matroska"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "video/x-msvideo"
    return None


def size_text(size: int) -> str:
    """«512 КБ», «23,4 МБ», «1,2 ГБ»: sizes as the list and the messages show them."""
    for unit, factor in (("ГБ", GIB), ("МБ", 1024 ** 2)):
        if size >= factor:
            return f"{size / factor:.1f}".replace(".", ",") + f" {unit}"
    return f"{max(1, round(size / 1024))} КБ"


def _error(message: str) -> ValidationError:
    return ValidationError(message, FIELD)


def add_video(actor: User, group: ExamGroup, stream: BinaryIO, filename: str, blobs: BlobStore, *,
              max_bytes: int = DEFAULT_MAX_BYTES) -> GroupVideo:
    """Check the recording by content, stream it into the blob store and list it with the group."""
    group = exam_groups.get_group(actor, group.kind, group.id)
    try:
        name = safe_filename(filename)
    except ValidationError as ex:
        raise _error(ex.message) from None
    head = read_head(stream, HEAD_SIZE)
    if not head:
        raise _error(f"Файл «{name}» пустой — выберите файл видеозаписи.")
    content_type = video_type(head)
    if content_type is None:
        raise _error(f"Файл «{name}» не является видеозаписью. Загрузите видео в формате MP4, MOV, WebM, MKV "
                     "или AVI.")
    ref = store_checked(blobs, head, stream, max_bytes=max_bytes, field=FIELD,
                        too_large=f"Видео больше {size_text(max_bytes)}: «{name}». Разделите запись на части или "
                                  "сожмите её и загрузите снова.")
    with write_transaction():
        return GroupVideo.create(group=group, digest=ref.digest, filename=name, content_type=content_type,
                                 size=ref.size, uploaded_by=actor)


def videos_of(group: ExamGroup) -> list[GroupVideo]:
    """The group's recordings in upload order, with who uploaded them (one query)."""
    return list(GroupVideo.select(GroupVideo, User).join(User, peewee.JOIN.LEFT_OUTER, on=GroupVideo.uploaded_by)
                .where(GroupVideo.group == group.id).order_by(GroupVideo.uploaded_at, GroupVideo.id))


def get_video(actor: User, group: ExamGroup, video_id: int) -> GroupVideo:
    """A recording of a group the actor may open; another group's id answers «not found»."""
    group = exam_groups.get_group(actor, group.kind, group.id)
    video = GroupVideo.get_or_none((GroupVideo.id == video_id) & (GroupVideo.group == group.id))
    if video is None:
        raise NotFoundError("Видеозапись не найдена.")
    video.group = group
    return video


def results_sent(group: ExamGroup) -> bool:
    """Whether a result of any member already went to the СПК."""
    return (GroupMember.select().join(Application)
            .where((GroupMember.group == group.id) & Application.status.in_(list(SENT_STATUSES))).exists())


def delete_video(actor: User, group: ExamGroup, video_id: int) -> None:
    """Remove a recording uploaded by mistake, while the group's results are still at the ЦОК."""
    video = get_video(actor, group, video_id)
    if results_sent(video.group):
        raise _error("Результаты группы уже переданы в СПК: видеозапись удалить нельзя.")
    with write_transaction():
        video.delete_instance()
