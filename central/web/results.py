"""«Результаты экзаменов» of the СПК cabinet (seed 002, «Сценарий для СПК», step 1).

The list filters and pages in the database (`central.services.results.list_results`); a row's
ФИО opens the result with the block «Оценка», where the СПК may change the commission's decision
while the result is «Передано в СПК». Selected rows become a Протокол СПК («Сформировать
протокол»: number and date in a <details> block, no script needed). Every object is looked up
through the user's СПК, so another СПК's result is a 404.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

import falcon

from central.models import (CentralResult, CertificateKind, CertificateStatus, ResultDocument, ResultStatus,
                            VideoPart)
from central.web.spk_pages import (BASE, SpkResource, cok_choices, filter_params, page_links, page_number,
                                   parse_date, parse_id, qualification_choices)
from core import audit
from core.db import write_transaction
from core.exceptions import NotFoundError, ValidationError
from core.models import User, Verdict
from core.web.downloads import send_blob
from core.web.forms import read_form

RESULT_NOTICES = {
    "decision": "Оценка сохранена.",
}


# --- helpers of the result pages --------------------------------------------------------------

def size_text(size: int | None) -> str:
    """«1,5 МБ», «820 КБ»: file sizes as people read them."""
    if size is None:
        return "—"
    for unit, scale in (("ГБ", 1024 ** 3), ("МБ", 1024 ** 2), ("КБ", 1024)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}".replace(".", ",")
    return f"{size} Б"


def points_text(value: Any) -> str:
    """A score as people write it: «42», «4,5»."""
    if value in (None, ""):
        return "—"
    text = f"{value.normalize():f}" if hasattr(value, "normalize") else str(value)
    return text.replace(".", ",")


# --- the list -------------------------------------------------------------------------------------

FILTER_FIELDS = ("query", "qualification", "status", "cok", "overdue")


def read_filters(req: falcon.Request) -> dict[str, str]:
    params = filter_params(req, FILTER_FIELDS, 200)
    params["overdue"] = "1" if params["overdue"] not in ("", "0", "off") else ""  # the checkbox shows what filters
    return params


def make_filters(params: dict[str, str], page: int):
    from central.services.results import ResultFilters

    status = params["status"] or None
    if status is not None and status not in ResultStatus.TITLES:
        raise ValidationError("Выберите статус записи из списка.", "status")
    return ResultFilters(query=params["query"],
                         qualification_id=parse_id(params["qualification"], "qualification",
                                                   "Выберите квалификацию из списка."),
                         status=status,
                         cok_id=parse_id(params["cok"], "cok", "Выберите ЦОК из списка."),
                         overdue_only=bool(params["overdue"]), page=page)


class ResultsListResource(SpkResource):
    """GET the list; POST «Сформировать протокол» with the selected rows."""

    section = "results"

    def show(self, req, resp, user, *, status=falcon.HTTP_200, errors=None, form=None, selected=(), open_form=False):
        from central.services import results

        params = read_filters(req)
        page, errors = None, dict(errors or {})
        try:
            flt = make_filters(params, page_number(req))
        except ValidationError as ex:
            errors[ex.field or "form"] = ex.message
            status = falcon.HTTP_422
        else:
            page = results.list_results(user.organisation, flt)
            audit.record("view", "central_results", user.organisation_id,
                         {"page": page.page, **{k: v for k, v in params.items() if v}})
        self.page(req, resp, "results/list.html", title="Результаты экзаменов", status=status,
                  filters=params, page_data=page, rows=page.rows if page else [],
                  links=page_links(page, params) if page else [], errors=errors, form=form or {},
                  filter_failed=page is None,
                  selected={str(s) for s in selected}, open_form=open_form or bool(form),
                  qualifications=qualification_choices(user.organisation), coks=cok_choices(user.organisation),
                  statuses=list(ResultStatus.TITLES.items()), status_titles=ResultStatus.TITLES,
                  verdict_titles=Verdict.TITLES, RECEIVED=ResultStatus.RECEIVED, today=dt.date.today())

    def on_get(self, req, resp):
        user, _spk = self.guard(req)
        self.show(req, resp, user)


# The service's field names → the form's («Номер протокола», the checkboxes).
PROTOCOL_FIELDS = {"number": "protocol_number", "results": "result", "protocol_date": "protocol_date"}


class FormProtocolResource(ResultsListResource):
    """POST /cabinet/spk/results/protocol: the selected results become a Протокол СПК."""

    def on_post(self, req, resp):
        from central.services import protocols

        user, spk = self.guard(req)
        media = req.get_media() or {}
        raw = media.get("result", [])
        selected = [str(v) for v in (raw if isinstance(raw, list) else [raw]) if str(v).strip()]
        form = read_form(req)
        try:
            if not selected:
                raise ValidationError("Отметьте соискателей, которых нужно включить в протокол.", "result")
            if not all(v.isdigit() for v in selected):
                raise ValidationError("Неверный выбор соискателей. Обновите страницу и повторите.", "result")
            number = form.get("protocol_number", "")
            if not number:
                raise ValidationError("Укажите номер протокола.", "protocol_number")
            if len(number) > 50:
                raise ValidationError("Номер протокола — не длиннее 50 знаков.", "protocol_number")
            when = parse_date(form.get("protocol_date", ""), "protocol_date", "дату протокола", required=True)
            with write_transaction(self.services.db):
                protocol = protocols.form_protocol(self.services, spk, [int(v) for v in selected], number, when,
                                                   user)
        except ValidationError as ex:
            field = PROTOCOL_FIELDS.get(ex.field or "", ex.field or "protocol")
            self.show(req, resp, user, status=falcon.HTTP_422, errors={field: ex.message},
                      form=form, selected=selected, open_form=True)
            return
        except NotFoundError as ex:
            self.show(req, resp, user, status=falcon.HTTP_422, errors={"result": str(ex)}, form=form,
                      selected=selected, open_form=True)
            return
        raise self.see_other(f"/protocols/{protocol.id}?notice=formed")


# --- one result -----------------------------------------------------------------------------------

def _video_parts(result: CentralResult, payload: dict) -> list[dict[str, Any]]:
    """The recordings the result.json lists, with what has arrived of each."""
    listed = payload.get("video") or []
    ids = [v.get("part_id") for v in listed if v.get("part_id")]
    stored = {v.part_id: v for v in VideoPart.select().where((VideoPart.appliance == result.appliance_id)
                                                             & VideoPart.part_id.in_(ids or [""]))}
    out = []
    for item in listed:
        part = stored.get(item.get("part_id"))
        total = part.total_size if part else item.get("size")
        out.append({"part_id": item.get("part_id"), "title": item.get("title") or "Видеозапись",
                    "size": size_text(total), "received": size_text(part.received_size if part else 0),
                    "complete": bool(part and part.blob_digest),
                    "percent": int(100 * part.received_size / total) if part and total else 0})
    return out


class ResultResource(SpkResource):
    """GET /cabinet/spk/results/{id}: everything the СПК checks before its decision."""

    section = "results"

    def load(self, req, result_id: int) -> tuple[User, CentralResult]:
        from central.services import results

        user, spk = self.guard(req)
        return user, results.get_result(spk, result_id)

    def show(self, req, resp, user, result, *, status=falcon.HTTP_200, errors=None, notice=None) -> None:
        from central.services import deadlines, results

        payload = results.result_payload(self.services, result) or {}
        body = payload.get("result") or {}
        settings = deadlines.settings_for(user.organisation)
        documents = list(ResultDocument.select().where(ResultDocument.result == result).order_by(ResultDocument.id))
        self.page(req, resp, "results/detail.html", title=f"Результат экзамена: {result.full_name}", status=status,
                  result=result, body=body, applicant=body.get("applicant") or {}, stages=body.get("stages") or [],
                  experts=body.get("experts") or [], commission=body.get("commission") or {},
                  commission_protocol=body.get("protocol") or {}, documents=documents,
                  videos=_video_parts(result, payload), size_text=size_text, points_text=points_text,
                  deadline=deadlines.result_deadline(result, settings), sent_late=deadlines.sent_late(result, settings),
                  settings=settings, terms=_terms(result, settings), certificates=list(result.certificates),
                  kind_titles=CertificateKind.TITLES, certificate_status_titles=CertificateStatus.TITLES,
                  status_titles=ResultStatus.TITLES,
                  verdict_titles=Verdict.TITLES, can_decide=result.status == ResultStatus.RECEIVED,
                  decisions=[(Verdict.PASSED, Verdict.TITLES[Verdict.PASSED]),
                             (Verdict.FAILED, Verdict.TITLES[Verdict.FAILED])],
                  iso_date=_iso_date, errors=errors or {}, notice=notice)

    def on_get(self, req, resp, result_id):
        user, result = self.load(req, result_id)
        audit.record("view", "central_result", result.id)
        self.show(req, resp, user, result, notice=RESULT_NOTICES.get(req.get_param("notice") or ""))


def _terms(result: CentralResult, settings) -> list[tuple[str, dt.date]]:
    """The deadlines of Постановление №1204 counted from the exam day with the СПК's settings."""
    day = result.exam_date
    return [("Передача результатов в СПК", day + dt.timedelta(days=settings.days_to_spk)),
            ("Решение СПК", day + dt.timedelta(days=settings.days_spk_decision)),
            ("Выдача свидетельства или заключения", day + dt.timedelta(days=settings.days_issue))]


def _iso_date(value: str | None) -> dt.date | dt.datetime | None:
    """Dates of result.json (ISO strings) for the `date_ru` filter; a bad one shows as «—»."""
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


class DecisionResource(ResultResource):
    """POST …/decision: «Оценка» → «Сохранить» (only while «Передано в СПК»)."""

    def on_post(self, req, resp, result_id):
        from central.services import results

        user, result = self.load(req, result_id)
        form = read_form(req)
        decision = form.get("decision", "")
        try:
            if decision not in (Verdict.PASSED, Verdict.FAILED):
                raise ValidationError("Выберите оценку: «Сдал» или «Не сдал».", "decision")
            with write_transaction(self.services.db):
                results.change_decision(result, decision, user)
        except ValidationError as ex:
            self.show(req, resp, user, results.get_result(user.organisation, result.id), status=falcon.HTTP_422,
                      errors={"decision": ex.message})
            return
        raise self.see_other(f"/results/{result.id}?notice=decision")


class DocumentResource(ResultResource):
    """GET …/documents/{doc_id}: a file that came with the result, streamed from the blob store."""

    def on_get(self, req, resp, result_id, doc_id):
        user, result = self.load(req, result_id)
        doc = ResultDocument.get_or_none((ResultDocument.id == doc_id) & (ResultDocument.result == result))
        if doc is None:
            raise NotFoundError("Документ не найден.")
        audit.record("view", "central_result_document", doc.id, {"result": result.id})
        send_blob(resp, self.services.blobs, doc.blob_digest, _filename(doc.title, doc.part_name), doc.content_type)


class VideoResource(ResultResource):
    """GET …/videos/{part_id}: a complete recording of the result's exam."""

    def on_get(self, req, resp, result_id, part_id):
        from central.services import results

        user, result = self.load(req, result_id)
        payload = results.result_payload(self.services, result) or {}
        listed = {v.get("part_id"): v for v in payload.get("video") or []}
        part = VideoPart.get_or_none((VideoPart.appliance == result.appliance_id) & (VideoPart.part_id == part_id))
        if part_id not in listed or part is None or not part.blob_digest:
            raise NotFoundError("Видеозапись не найдена или ещё не получена полностью.")
        audit.record("view", "central_video", part.id, {"result": result.id})
        kind = (json.loads(part.meta or "{}").get("content_type") or "video/webm")
        send_blob(resp, self.services.blobs, part.blob_digest, _filename(part.title, "video.webm"), kind)


def _filename(title: str, part_name: str) -> str:
    """«Паспорт.pdf»: the title people gave the file plus the extension of the stored part."""
    suffix = part_name.rsplit(".", 1)[-1] if "." in part_name else ""
    clean = "".join(ch for ch in title if ch not in '\\/:*?"<>|').strip() or "document"
    return f"{clean}.{suffix}" if suffix and not clean.lower().endswith("." + suffix.lower()) else clean


def add_routes(app, services) -> None:
    one = f"{BASE}/results/{{result_id:int}}"
    app.add_route(f"{BASE}/results", ResultsListResource(services))
    app.add_route(f"{BASE}/results/protocol", FormProtocolResource(services))
    app.add_route(one, ResultResource(services))
    app.add_route(f"{one}/decision", DecisionResource(services))
    app.add_route(f"{one}/documents/{{doc_id:int}}", DocumentResource(services))
    app.add_route(f"{one}/videos/{{part_id}}", VideoResource(services))
