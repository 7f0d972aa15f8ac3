"""Протокол СПК: approve results, lay the protocol out, attach its signed copy, send it to НАРК.

«Сформировать протокол» takes results «Передано в СПК» of this СПК, numbers the protocol
(unique per СПК) and creates, for every result, the document it leads to: a certificate when
the СПК's «Оценка» is «Сдал», a conclusion otherwise — both «Ожидает регистрационного номера
НАРК» with our own id until НАРК answers.
"""
from __future__ import annotations

import datetime as dt

import peewee

from central import revisions
from central.documents.spk_protocol import (CandidateLine, SpkProtocolData, render_spk_protocol_docx,
                                            render_spk_protocol_pdf)
from central.models import Certificate, CertificateKind, CentralResult, ResultStatus, SpkProtocol
from central.services import nark
from central.services.certificate_data import default_recommendation, result_document
from central.services.certificates import new_public_id
from central.services.paging import Page, paginate
from central.services.scope import spk_condition
from central.services.signed_files import store_signed
from core.db import write_transaction
from core.exceptions import NotFoundError, ValidationError
from core.models import Organisation, User, Verdict

MAX_NUMBER = 50
MAX_RESULTS = 500
CokOrg = Organisation.alias("protocol_cok")


def _number(number: str) -> str:
    number = " ".join((number or "").split())
    if not number:
        raise ValidationError("Укажите номер протокола СПК.", field="number")
    if len(number) > MAX_NUMBER:
        raise ValidationError(f"Номер протокола — не более {MAX_NUMBER} символов.", field="number")
    return number


def form_protocol(services, spk: Organisation, result_ids: list[int], number: str, protocol_date: dt.date,
                  user: User) -> SpkProtocol:
    """«Сформировать протокол»: the chosen results are approved in a new Протокол СПК."""
    number = _number(number)
    if protocol_date is None:
        raise ValidationError("Укажите дату протокола СПК.", field="protocol_date")
    if protocol_date > dt.date.today():
        raise ValidationError("Дата протокола СПК не может быть позже сегодняшнего дня.", field="protocol_date")
    ids = list(dict.fromkeys(int(i) for i in result_ids or []))
    if not ids:
        raise ValidationError("Выберите соискателей, результаты которых утверждаются протоколом.", field="results")
    if len(ids) > MAX_RESULTS:
        raise ValidationError(f"В один протокол СПК — не более {MAX_RESULTS} соискателей.", field="results")
    with write_transaction():
        results = list(CentralResult.select().where(CentralResult.id.in_(ids) & spk_condition(spk))
                       .order_by(CentralResult.full_name, CentralResult.id))
        if len(results) != len(ids):
            raise NotFoundError("Некоторые выбранные результаты не найдены: обновите список и выберите снова.")
        for result in results:
            _check_result(result, protocol_date)
        if SpkProtocol.select().where((SpkProtocol.spk == spk.id) & (SpkProtocol.number == number)).exists():
            raise ValidationError(f"Протокол СПК № {number} уже есть: укажите другой номер.", field="number")
        protocol = SpkProtocol(spk=spk, number=number, protocol_date=protocol_date, created_by=user)
        protocol.save()
        for result in results:
            result.status = ResultStatus.IN_PROTOCOL
            result.protocol = protocol
            result.save()
            passed = result.decision == Verdict.PASSED
            Certificate(kind=CertificateKind.CERTIFICATE if passed else CertificateKind.CONCLUSION, result=result,
                        public_id=new_public_id(),
                        recommendation=None if passed else default_recommendation(services, result)).save()
        revisions.bump(f"spk protocol {protocol.id}: formed")
    return protocol


def _check_result(result: CentralResult, protocol_date: dt.date) -> None:
    if result.status != ResultStatus.RECEIVED:
        raise ValidationError(f"Результат соискателя {result.full_name} уже включён в протокол СПК (статус "
                              f"«{ResultStatus.TITLES[result.status]}»).", field="results")
    if result.qualification_id is None:
        raise ValidationError(f"Квалификация «{result.qualification_title}» ({result.qualification_code}) соискателя "
                              f"{result.full_name} не найдена в реестре СПК: добавьте её в разделе «Квалификации».",
                              field="results")
    if result.decision not in (Verdict.PASSED, Verdict.FAILED):
        raise ValidationError(f"По соискателю {result.full_name} не выбрано решение «Сдал» или «Не сдал».",
                              field="results")
    if protocol_date < result.exam_date:
        raise ValidationError(f"Дата протокола раньше даты экзамена соискателя {result.full_name} "
                              f"({result.exam_date:%d.%m.%Y}).", field="protocol_date")


def list_protocols(spk: Organisation, query: str = "", date_from: dt.date | None = None, qualification_id=None,
                   cok_id=None, page: int = 1) -> Page:
    """The СПК's protocols, newest first; each row knows its qualifications and ЦОК (`titles`, `coks`)."""
    conditions = [SpkProtocol.spk == spk.id]
    text = " ".join((query or "").split())
    if len(text) > MAX_NUMBER:
        raise ValidationError(f"Номер протокола — не более {MAX_NUMBER} символов.", field="query")
    if text:
        conditions.append(SpkProtocol.number.contains(text))
    if date_from:
        conditions.append(SpkProtocol.protocol_date >= date_from)
    if qualification_id:
        conditions.append(SpkProtocol.id.in_(CentralResult.select(CentralResult.protocol)
                                             .where(CentralResult.qualification == qualification_id)))
    if cok_id:
        conditions.append(SpkProtocol.id.in_(CentralResult.select(CentralResult.protocol)
                                             .where(CentralResult.cok == cok_id)))
    query_rows = (SpkProtocol.select().where(*conditions)
                  .order_by(SpkProtocol.protocol_date.desc(), SpkProtocol.id.desc()))
    found = paginate(query_rows, page)
    _annotate(found.rows)
    return found


def _annotate(protocols: list[SpkProtocol]) -> None:
    """One query for the page: qualification titles, ЦОК names and the number of results of each protocol."""
    by_id = {p.id: p for p in protocols}
    for p in protocols:
        p.titles, p.coks, p.result_count = [], [], 0
    if not by_id:
        return
    rows = (CentralResult.select(CentralResult.protocol, CentralResult.qualification_title, CokOrg.short_name,
                                 peewee.fn.COUNT(CentralResult.id).alias("n"))
            .join(CokOrg, on=(CentralResult.cok == CokOrg.id))
            .where(CentralResult.protocol.in_(list(by_id)))
            .group_by(CentralResult.protocol, CentralResult.qualification_title, CokOrg.short_name)
            .order_by(CentralResult.qualification_title, CokOrg.short_name).tuples())
    for protocol_id, title, cok, count in rows:
        protocol = by_id[protocol_id]
        protocol.result_count += count
        if title not in protocol.titles:
            protocol.titles.append(title)
        if cok not in protocol.coks:
            protocol.coks.append(cok)


def get_protocol(spk: Organisation, protocol_id: int) -> SpkProtocol:
    found = SpkProtocol.get_or_none((SpkProtocol.id == protocol_id) & (SpkProtocol.spk == spk.id))
    if found is None:
        raise NotFoundError("Протокол СПК не найден.")
    return found


def protocol_results(protocol: SpkProtocol) -> list[CentralResult]:
    """«Состав группы»: the protocol's results with their ЦОК, by ФИО."""
    return list(CentralResult.select(CentralResult, CokOrg)
                .join(CokOrg, on=(CentralResult.cok == CokOrg.id), attr="cok")
                .where(CentralResult.protocol == protocol.id)
                .order_by(CentralResult.full_name, CentralResult.id))


def _commission_protocol(services, result: CentralResult) -> str:
    protocol = result_document(services, result).get("protocol")
    if not isinstance(protocol, dict) or not protocol.get("number"):
        return "—"
    try:
        day = dt.date.fromisoformat(str(protocol.get("date"))[:10])
    except ValueError:
        return f"№ {protocol['number']}"
    return f"№ {protocol['number']} от {day:%d.%m.%Y}"


def protocol_data(services, protocol: SpkProtocol, *, facsimile: bool) -> SpkProtocolData:
    """The protocol's content from the СПК's profile as it is now and the approved results."""
    spk = Organisation.get_by_id(protocol.spk_id)
    png = None
    if facsimile:
        if not spk.facsimile_digest:
            raise ValidationError("В профиле СПК нет факсимиле подписи председателя: нарисуйте его в разделе "
                                  "«Профиль» или скачайте шаблон без подписи.")
        png = services.blobs.read(spk.facsimile_digest)
    members = [line.strip() for line in (spk.voting_members or "").splitlines() if line.strip()]
    candidates = [CandidateLine(full_name=r.full_name, qualification=r.qualification_title, cok_name=r.cok.short_name,
                                exam_date=r.exam_date, commission_protocol=_commission_protocol(services, r),
                                result=Verdict.TITLES.get(r.decision, "—"))
                  for r in protocol_results(protocol)]
    return SpkProtocolData(number=protocol.number, date=protocol.protocol_date, spk_name=spk.full_name,
                           spk_address=spk.legal_address or "", chair_name=spk.chair_name or "",
                           secretary_name=spk.secretary_name or "", voting_members=members, candidates=candidates,
                           chair_facsimile_png=png)


def protocol_pdf(services, protocol: SpkProtocol, *, facsimile: bool) -> bytes:
    """«Скачать шаблон» (facsimile=False) or «Подписать факсимиле» (the chair's drawn signature placed)."""
    pdf = render_spk_protocol_pdf(protocol_data(services, protocol, facsimile=facsimile))
    if facsimile:
        digest = services.blobs.put(pdf).digest
        if protocol.facsimile_pdf_digest != digest:
            with write_transaction():
                current = SpkProtocol.get_by_id(protocol.id)
                current.facsimile_pdf_digest = digest
                current.save()
            protocol.facsimile_pdf_digest = digest
    return pdf


def protocol_docx(services, protocol: SpkProtocol) -> bytes:
    """The protocol as a Word file to edit, print and sign by hand."""
    return render_spk_protocol_docx(protocol_data(services, protocol, facsimile=False))


def attach_signed(services, protocol: SpkProtocol, filename: str, data: bytes, user: User) -> None:
    """«Прикрепить файл»: the signed protocol (PDF, DOCX, JPEG, PNG), replacing an earlier one until sent."""
    if protocol.sent_to_nark_at:
        raise ValidationError("Протокол уже отправлен в НАРК: подписанный файл не заменяется.", field="file")
    upload = store_signed(services.blobs, data, filename, services.config.max_upload_mb)
    with write_transaction():
        current = SpkProtocol.get_by_id(protocol.id)
        if current.sent_to_nark_at:
            raise ValidationError("Протокол уже отправлен в НАРК: подписанный файл не заменяется.", field="file")
        current.signed_file_digest = upload.digest
        current.signed_file_name = upload.filename
        current.signed_file_type = upload.content_type
        current.save()
    protocol.signed_file_digest, protocol.signed_file_name, protocol.signed_file_type = (
        upload.digest, upload.filename, upload.content_type)


def remove_signed(protocol: SpkProtocol, user: User) -> None:
    """«Удалить» the attached file (the blob stays: the audit trail refers to it)."""
    with write_transaction():
        current = SpkProtocol.get_by_id(protocol.id)
        if current.sent_to_nark_at:
            raise ValidationError("Протокол уже отправлен в НАРК: подписанный файл не удаляется.")
        if not current.signed_file_digest:
            raise ValidationError("Подписанный файл не прикреплён.")
        current.signed_file_digest = current.signed_file_name = current.signed_file_type = None
        current.save()
    protocol.signed_file_digest = protocol.signed_file_name = protocol.signed_file_type = None


def send_to_nark(services, protocol: SpkProtocol, user: User) -> int:
    """«Отправить в НАРК»: needs the signed file; returns the number of records created."""
    return nark.send_protocol(services, protocol, user)
