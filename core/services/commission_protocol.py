"""Протокол экспертной комиссии of a group: generate, sign with facsimiles, upload the signed copy.

Seed 002: «Для формирования Протокола экспертной комиссии необходимо скачать и прикрепить
сгенерированный документ»; «Скачать» gives the generated protocol, «Подписать факсимиле» the
same with every commission member's drawn signature, «Загрузить документ» the signed scan.
Only the group's commission sees the protocol; the chair generates, signs and uploads it.
The candidates are those whose deciding commission is this group's (a theory group's
protocol leaves out those who go on to practice).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, BinaryIO

from core import audit
from core.db import write_transaction
from core.documents.commission_protocol import (CandidateLine, ProtocolData, ProtocolMember, StageLine,
                                                render_commission_protocol_docx, render_commission_protocol_pdf)
from core.documents.parties import candidate_name, place_address
from core.exceptions import NotFoundError, PermissionDeniedError, ValidationError
from core.models import (Admission, Application, CommissionMember, CommissionProtocol, ExamAttempt, ExamGroup,
                         GroupMember, User, Verdict)
from core.models.exams import GROUP_PRACTICE
from core.models.organisations import _now
from core.services import commission_facts as facts
from core.services.applicant_profile import parse_date
from core.services.attempts import THEORY
from core.uploads import DOCUMENT_TYPES, MIB, store_upload

if TYPE_CHECKING:
    from core.blobstore import BlobStore

MAX_UPLOAD_BYTES = 20 * MIB
STAGE_WORDS = {GROUP_PRACTICE: "практический этап"}


# --- who may ------------------------------------------------------------------------------------

def commission_group(actor: User, group_id: int) -> ExamGroup:
    """The group if `actor` sits on its commission, else «not found»."""
    group = ExamGroup.get_or_none(ExamGroup.id == group_id)
    if group is None or facts.membership(actor, group) is None:
        raise NotFoundError("Экзаменационная группа не найдена.")
    return group


def _member(actor: User, group: ExamGroup) -> CommissionMember:
    member = facts.membership(actor, group)
    if member is None:
        raise NotFoundError("Экзаменационная группа не найдена.")
    return member


def _chair(actor: User, group: ExamGroup) -> None:
    if not _member(actor, group).is_chair:
        raise PermissionDeniedError("Протокол формирует, подписывает и загружает председатель экспертной комиссии.")


def protocol_of(group: ExamGroup) -> CommissionProtocol | None:
    return CommissionProtocol.get_or_none(CommissionProtocol.group == group.id)


def _generated(group: ExamGroup) -> CommissionProtocol:
    protocol = protocol_of(group)
    if protocol is None or not protocol.pdf_digest:
        raise ValidationError("Сначала сформируйте протокол: укажите его номер и дату.", "protocol_number")
    return protocol


# --- content ------------------------------------------------------------------------------------

def _stage_line(title: str, attempt: ExamAttempt | None) -> StageLine:
    if attempt is None or attempt.finished_at is None:
        return StageLine(title)
    points, top = facts.number(attempt.points), facts.number(attempt.max_points)
    return StageLine(title, f"{facts.show_number(points)} из {facts.show_number(top)}",
                     facts.show_number(facts.number(attempt.data.get("pass_points"))),
                     "Сдан" if attempt.passed else "Не сдан")


def candidates_of(group: ExamGroup) -> list[Application]:
    """Admitted members of the group whose result this group's commission decides, by ФИО."""
    members = list(GroupMember.select(GroupMember, Application).join(Application)
                   .where((GroupMember.group == group.id) & (GroupMember.admission == Admission.ADMITTED))
                   .order_by(Application.full_name, Application.id))
    attempts = facts.stage_attempts_many(m.application_id for m in members)
    out = []
    for member in members:
        deciding = facts.deciding_attempt(attempts[member.application_id])
        if deciding is not None and deciding.member.group_id == group.id:
            out.append(member.application)
    return out


def _candidate(application: Application, group: ExamGroup) -> CandidateLine:
    by_stage = facts.stage_attempts(application)
    practical = next((by_stage[s] for s in facts.PRACTICAL_STAGES if s in by_stage), None)
    view = facts.commission_view(application, group)
    return CandidateLine(
        name=candidate_name(application), number=application.number or f"№ {application.id}",
        theory=_stage_line(facts.STAGE_TITLES[THEORY], by_stage.get(THEORY)),
        practice=_stage_line(facts.STAGE_TITLES[practical.stage] if practical else "Практический этап", practical),
        decisions=[(m.expert.full_name, m.verdict_title) for m in view.members],
        verdict=Verdict.TITLES[view.result.verdict] if view.decided else "—")


def protocol_data(group: ExamGroup, number: str, date, blobs: "BlobStore | None" = None) -> ProtocolData:
    """Everything the protocol says; with `blobs` each member's facsimile is read for signing."""
    members = [ProtocolMember(m.expert.full_name, m.is_chair,
                              blobs.read(m.expert.facsimile_digest) if blobs and m.expert.facsimile_digest else None)
               for m in facts.commission_of(group)]
    venue = group.venue
    return ProtocolData(number=number, date=date, cok_name=group.cok.full_name, venue_name=venue.full_name,
                        venue_address=place_address(venue), qualification=group.qualification.title,
                        qualification_code=group.qualification.code, exam_at=group.starts_at,
                        duration_minutes=group.duration_minutes,
                        stage=STAGE_WORDS.get(group.kind, "теоретический этап"), members=members,
                        candidates=[_candidate(a, group) for a in candidates_of(group)])


def _store(data: ProtocolData, blobs: "BlobStore") -> tuple[str, str]:
    """Render both files and keep them in the blob store; returns (PDF digest, DOCX digest)."""
    return (blobs.put(render_commission_protocol_pdf(data)).digest,
            blobs.put(render_commission_protocol_docx(data)).digest)


# --- actions ------------------------------------------------------------------------------------

def generate_protocol(actor: User, group: ExamGroup, number: str, protocol_date: str,
                      blobs: "BlobStore") -> CommissionProtocol:
    """Number and date → the protocol as PDF and DOCX (unsigned) in the blob store."""
    _chair(actor, group)
    number = (number or "").strip()
    if not number or len(number) > 32:
        raise ValidationError("Укажите номер протокола (не более 32 символов).", "protocol_number")
    day = parse_date(protocol_date, "protocol_date", "Дата протокола")
    pdf, docx = _store(protocol_data(group, number, day), blobs)
    with write_transaction():
        protocol = protocol_of(group) or CommissionProtocol(group=group)
        protocol.number, protocol.protocol_date = number, day
        protocol.pdf_digest, protocol.docx_digest, protocol.signed_at = pdf, docx, None
        protocol.save()
    return protocol


def sign_protocol(actor: User, group: ExamGroup, blobs: "BlobStore") -> CommissionProtocol:
    """«Подписать факсимиле»: the protocol again, each member's drawn signature next to their name."""
    _chair(actor, group)
    protocol = _generated(group)
    missing = [m.expert.full_name for m in facts.commission_of(group) if not m.expert.facsimile_digest]
    if missing:
        raise ValidationError("Нет факсимиле подписи у экспертов: " + ", ".join(missing) + ". Каждый член комиссии "
                              "рисует подпись в разделе «Ваша подпись» личного кабинета эксперта.")
    pdf, docx = _store(protocol_data(group, protocol.number, protocol.protocol_date, blobs), blobs)
    with write_transaction():
        protocol.pdf_digest, protocol.docx_digest, protocol.signed_at = pdf, docx, _now()
        protocol.save()
    return protocol


def upload_protocol(actor: User, group: ExamGroup, stream: BinaryIO, filename: str, blobs: "BlobStore", *,
                    max_bytes: int = MAX_UPLOAD_BYTES) -> CommissionProtocol:
    """«Загрузить документ»: the signed protocol scanned, PDF/JPEG/PNG checked by content."""
    _chair(actor, group)
    protocol = protocol_of(group)
    if protocol is None:
        raise ValidationError("Сначала сформируйте протокол: укажите его номер и дату.", "file")
    upload = store_upload(blobs, stream, filename, max_bytes=max_bytes, allowed=DOCUMENT_TYPES)
    with write_transaction():
        protocol.uploaded_digest = upload.digest
        protocol.save()
    return protocol


def _download(actor: User, group: ExamGroup, blobs: "BlobStore", kind: str) -> bytes:
    _member(actor, group)
    protocol = protocol_of(group)
    digest = {"pdf": protocol and protocol.pdf_digest, "docx": protocol and protocol.docx_digest,
              "scan": protocol and protocol.uploaded_digest}[kind]
    if not digest:
        raise NotFoundError("Протокол ещё не сформирован." if kind != "scan" else "Подписанный протокол не загружен.")
    audit.record("download", "commission_protocol", protocol.id, {"kind": kind, "signed": bool(protocol.signed_at)})
    return blobs.read(digest)


def protocol_pdf(actor: User, group: ExamGroup, blobs: "BlobStore") -> bytes:
    return _download(actor, group, blobs, "pdf")


def protocol_docx(actor: User, group: ExamGroup, blobs: "BlobStore") -> bytes:
    return _download(actor, group, blobs, "docx")


def uploaded_protocol(actor: User, group: ExamGroup, blobs: "BlobStore") -> bytes:
    """The uploaded signed copy (its type is read from the bytes by the download route)."""
    return _download(actor, group, blobs, "scan")
