"""The parts of an ``exam_result`` bundle: ``result.json`` and the files it lists (docs/federation.md).

Everything is read from the appliance when «Отправить в СПК» is queued for the registry: the
snapshot the ЦОК sent (`SpkSubmission.payload`), the candidate's answers with the questions as
they were asked, the applicant's current documents, the theory ведомость (rendered now, as the
«Экзаменационная ведомость (PDF)» button renders it), the commission's protocol and its signed
scan, and the list of recordings the plugins keep (`nok_result_video`; the files themselves
travel as ``video_part`` bundles).
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from core.documents.exam_sheet import render_exam_sheet_pdf
from core.exceptions import ValidationError
from core.models import (Application, ApplicationDocument, AttemptAnswer, CommissionProtocol, ExamAttempt,
                         GroupMember, SpkSubmission)
from core.models.exams import GROUP_THEORY
from core.services import commission_facts as facts
from core.services.exam_groups import members_of
from federation.protocol import PART_RESULT, canonical_json

RESULT_FORMAT = "nok-result-bundle/1"
_TYPE_EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png",
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx"}
_MAGIC = ((b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"),
          (b"PK\x03\x04", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
_SAFE_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,8}$")


@dataclass
class ResultParts:
    """What one submission sends: the parts (result.json first among equals) and its recordings."""

    parts: dict[str, bytes]
    document: dict[str, Any]  # result.json as a dict
    video: list[dict[str, Any]]  # from `PluginHost.result_video`, each with "digest", "size", "title", "meta"


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def sniff_type(data: bytes, fallback: str = "application/octet-stream") -> str:
    return next((kind for magic, kind in _MAGIC if data.startswith(magic)), fallback)


def _extension(content_type: str, filename: str = "") -> str:
    if content_type in _TYPE_EXTENSIONS:
        return _TYPE_EXTENSIONS[content_type]
    match = _SAFE_SUFFIX.search(filename or "")
    return match.group(0).lower() if match else ".bin"


def _entry(part: str, title: str, content_type: str, data: bytes) -> dict[str, Any]:
    return {"part": part, "title": title, "content_type": content_type, "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest()}


# --- answers ------------------------------------------------------------------------------------

def _texts(question: dict[str, Any], *keys: str) -> dict[str, str]:
    return {str(item.get("id")): str(item.get("text", "")) for key in keys for item in question.get(key) or []}


def answer_text(question: dict[str, Any], value: Any) -> str | None:
    """The candidate's response in words, as the review page shows it; None when nothing was given."""
    if value is None or (isinstance(value, (str, list, dict)) and not (value.strip() if isinstance(value, str)
                                                                      else value)):
        return None
    kind = question.get("type")
    if kind == "single":
        return _texts(question, "options").get(str(value), str(value))
    if kind == "multiple" and isinstance(value, list):
        texts = _texts(question, "options")
        return "; ".join(texts.get(str(v), str(v)) for v in value)
    if kind == "matching" and isinstance(value, dict):
        left, right = _texts(question, "left"), _texts(question, "right")
        return "; ".join(f"{left.get(str(k), k)} — {right.get(str(v), v)}" for k, v in value.items() if v)
    if kind == "ordering" and isinstance(value, list):
        texts = _texts(question, "items")
        return " → ".join(texts.get(str(v), str(v)) for v in value)
    return str(value)


def attempt_answers(attempt: ExamAttempt) -> list[dict[str, Any]]:
    """Every question of the attempt in the candidate's order, with the response and the points earned."""
    given = {row.question_id: json.loads(row.value)
             for row in AttemptAnswer.select().where(AttemptAnswer.attempt == attempt.id)}
    scored = attempt.score_details.get("questions", {})
    out = []
    for number, question in enumerate(attempt.data.get("questions") or [], start=1):
        qid = question.get("id")
        points = (scored.get(qid) or {}).get("points")
        out.append({"stage": attempt.stage, "number": number, "question": question.get("text", ""),
                    "answer": answer_text(question, given.get(qid)),
                    "points": None if points is None else str(points),
                    "max_points": None if question.get("points") is None else str(question["points"])})
    return out


def answers_of(application: Application) -> list[dict[str, Any]]:
    attempts = facts.stage_attempts(application)
    return [row for stage in sorted(attempts) for row in attempt_answers(attempts[stage])
            if attempts[stage].data.get("questions")]


# --- files --------------------------------------------------------------------------------------

def _documents(services, application: Application, parts: dict[str, bytes]) -> list[dict[str, Any]]:
    listed = []
    current = (ApplicationDocument.select()
               .where((ApplicationDocument.application == application.id) & ApplicationDocument.replaced_at.is_null())
               .order_by(ApplicationDocument.id))
    for number, doc in enumerate(current, start=1):
        data = services.blobs.read(doc.digest)
        part = f"doc-{number:02d}{_extension(doc.content_type, doc.filename)}"
        parts[part] = data
        listed.append(_entry(part, doc.title, doc.content_type, data))
    return listed


def _theory_group_attempts(application: Application):
    """The group of the candidate's theory attempt and the attempts of that group, or (None, {})."""
    attempt = facts.stage_attempts(application).get("theory")
    if attempt is None or attempt.member.group.kind != GROUP_THEORY:
        return None, {}
    group = attempt.member.group
    attempts = {a.member_id: a for a in ExamAttempt.select().join(GroupMember)
                .where((GroupMember.group == group.id) & (ExamAttempt.stage == "theory"))}
    return group, attempts


def _sheet(application: Application, parts: dict[str, bytes]) -> list[dict[str, Any]]:
    group, attempts = _theory_group_attempts(application)
    if group is None:
        return []
    try:
        pdf = render_exam_sheet_pdf(group, members_of(group), attempts)
    except ValidationError:  # not started or nobody admitted: there is no ведомость to send
        return []
    parts["sheet.pdf"] = pdf
    return [_entry("sheet.pdf", f"Экзаменационная ведомость от {group.starts_at:%d.%m.%Y}", "application/pdf", pdf)]


def _protocol(services, application: Application, parts: dict[str, bytes]) -> list[dict[str, Any]]:
    group = facts.deciding_group(application)
    protocol = CommissionProtocol.get_or_none(CommissionProtocol.group == group.id) if group else None
    if protocol is None:
        return []
    listed = []
    title = f"Протокол экспертной комиссии № {protocol.number} от {protocol.protocol_date:%d.%m.%Y}"
    if protocol.pdf_digest:
        data = services.blobs.read(protocol.pdf_digest)
        parts["protocol.pdf"] = data
        listed.append(_entry("protocol.pdf", title, "application/pdf", data))
    if protocol.uploaded_digest:
        data = services.blobs.read(protocol.uploaded_digest)
        kind = sniff_type(data)
        part = f"protocol-signed{_extension(kind)}"
        parts[part] = data
        listed.append(_entry(part, f"{title} (подписанный)", kind, data))
    return listed


# --- the whole result ---------------------------------------------------------------------------

def video_entry(item: dict[str, Any]) -> dict[str, Any]:
    return {"part_id": item["digest"], "size": item["size"], "title": item["title"], "meta": item["meta"]}


def build_result_parts(services, submission: SpkSubmission) -> ResultParts:
    """Read and render everything one «Отправить в СПК» sends; raises `NokError` when a file is missing."""
    application = submission.application
    parts: dict[str, bytes] = {}
    documents = _documents(services, application, parts) + _sheet(application, parts) \
        + _protocol(services, application, parts)
    video = [{**item, "meta": {**item["meta"], "application_id": application.id}}
             for item in services.plugins.result_video(application)]
    document = {
        "format": RESULT_FORMAT,
        "submission": {"id": submission.id, "queued_at": _iso(submission.queued_at)},
        "applied_at": _iso(application.submitted_at or application.created_at),
        "result": json.loads(submission.payload),
        "answers": answers_of(application),
        "documents": documents,
        "video": [video_entry(item) for item in video],
    }
    parts[PART_RESULT] = canonical_json(document)
    return ResultParts(parts=parts, document=document, video=video)
