"""Результаты экзаменов at the СПК: the filtered list, one result, and the СПК's «Оценка».

The list filters and paginates in the database (ФИО, qualification, status, ЦОК, only overdue)
and carries each row's current term, so «Просрочено на 3 дн.» needs no query per row.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from central import revisions
from central.models import CentralResult, ResultStatus
from central.services import deadlines
from central.services.clock import utc_now
from central.services.deadlines import DeadlineInfo
from central.services.paging import Page, paginate
from central.services.scope import spk_condition
from core import audit
from core.db import write_transaction
from core.exceptions import NotFoundError, ValidationError
from core.models import Organisation, User, Verdict
from core.services.review import MATCH_CONTAINS, name_condition

MAX_QUERY = 100
MAX_COMMENT = 2000
CokOrg = Organisation.alias("result_cok")


@dataclass
class ResultFilters:
    query: str = ""
    qualification_id: int | None = None
    status: str | None = None
    cok_id: int | None = None
    overdue_only: bool = False
    page: int = 1


@dataclass
class ResultRow:
    result: CentralResult
    deadline: DeadlineInfo | None


def list_results(spk: Organisation, filters: ResultFilters, today: dt.date | None = None) -> Page:
    """One page of the СПК's results, exam date newest first, each with its current term."""
    today = today or dt.date.today()
    settings = deadlines.settings_for(spk)
    conditions = [spk_condition(spk)]
    text = " ".join((filters.query or "").split())
    if len(text) > MAX_QUERY:
        raise ValidationError(f"Строка поиска — не более {MAX_QUERY} символов.", field="query")
    if text:
        conditions.append(name_condition(CentralResult.full_name, text, MATCH_CONTAINS))
    if filters.qualification_id:
        conditions.append(CentralResult.qualification == filters.qualification_id)
    if filters.status:
        if filters.status not in ResultStatus.TITLES:
            raise ValidationError("Выберите статус записи из списка.", field="status")
        conditions.append(CentralResult.status == filters.status)
    if filters.cok_id:
        conditions.append(CentralResult.cok == filters.cok_id)
    if filters.overdue_only:
        conditions.append(deadlines.overdue_condition(settings, today))
    query = (CentralResult
             .select(CentralResult, CokOrg, deadlines.duplicate_request_subquery().alias("duplicate_requested_on"))
             .join(CokOrg, on=(CentralResult.cok == CokOrg.id), attr="cok")
             .where(*conditions)
             .order_by(CentralResult.exam_date.desc(), CentralResult.id.desc()))
    page = paginate(query, filters.page)
    page.rows = [ResultRow(result, deadlines.result_deadline(result, settings, today)) for result in page.rows]
    return page


def get_result(spk: Organisation, result_id: int) -> CentralResult:
    """The result if it belongs to this СПК; otherwise «not found» (another СПК's rows do not exist here)."""
    found = CentralResult.select().where((CentralResult.id == result_id) & spk_condition(spk)).first()
    if found is None:
        raise NotFoundError("Результат экзамена не найден.")
    return found


def result_payload(services, result: CentralResult) -> dict[str, Any]:
    """The stored result.json of the bundle (docs/federation.md «exam_result»)."""
    return json.loads(services.blobs.read(result.payload_digest))


def change_decision(result: CentralResult, decision: str, user: User, comment: str | None = None) -> None:
    """«Оценка» → «Сохранить»: the СПК's own decision, allowed until the result is in a protocol."""
    if decision not in (Verdict.PASSED, Verdict.FAILED):
        raise ValidationError("Выберите решение: «Сдал» или «Не сдал».", field="decision")
    comment = (comment or "").strip() or None
    if comment and len(comment) > MAX_COMMENT:
        raise ValidationError(f"Комментарий — не более {MAX_COMMENT} символов.", field="comment")
    with write_transaction():
        current = CentralResult.get_by_id(result.id)
        if current.status != ResultStatus.RECEIVED:
            raise ValidationError("Решение можно изменить, пока результат не включён в протокол СПК.")
        if current.decision == decision and not comment:
            return
        current.decision = decision
        current.decision_changed_by = user
        current.decision_changed_at = utc_now()
        current.save()
        if comment:
            audit.record("decision_comment", CentralResult._meta.table_name, current.id,
                         {"decision": decision, "comment": comment})
        revisions.bump(f"result {current.id}: decision {decision}")
    result.decision, result.decision_changed_by, result.decision_changed_at = (
        current.decision, current.decision_changed_by, current.decision_changed_at)
