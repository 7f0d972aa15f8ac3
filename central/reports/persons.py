"""«Личные дела»: every person the СПК has results for, and one person's file.

A person is `CentralResult.person_key` (a hash of the СНИЛС, or of ФИО and date of birth): the
results of one person from any ЦОК meet in one личное дело. The list is grouped and paginated in
the database; the file shows each result, its свидетельство or заключение and the documents the
ЦОК sent with it.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from peewee import JOIN, fn

from central.models import Certificate, CertificateStatus, CentralResult, ResultDocument
from central.reports.common import PER_PAGE, Page, page_bounds, result_scope
from core.exceptions import NotFoundError, ValidationError
from core.models import Organisation, Verdict
from core.services.list_filters import MAX_NAME
from core.services.review import MATCH_CONTAINS, name_condition

PERSON_KEY = re.compile(r"^[0-9a-f]{64}$")
NOT_FOUND = "Личное дело не найдено."


@dataclass
class PersonRow:
    """A line of «Личные дела»: the name and decision of the person's latest exam."""

    person_key: str
    full_name: str
    exams: int
    last_exam: dt.date
    last_decision: str
    documents: int  # свидетельства and заключения issued and in force

    @property
    def last_decision_title(self) -> str:
        return Verdict.TITLES.get(self.last_decision, self.last_decision)


@dataclass
class PersonFile:
    """Личное дело: the results newest first, with their documents."""

    person_key: str
    full_name: str
    results: list[CentralResult]
    certificates: dict[int, list[Certificate]] = field(default_factory=dict)
    documents: dict[int, list[ResultDocument]] = field(default_factory=dict)


def read_query(text: str | None) -> str:
    """The ФИО to search for, spaces folded; too long a text is refused."""
    name = " ".join((text or "").split())
    if len(name) > MAX_NAME:
        raise ValidationError(f"ФИО для поиска — не более {MAX_NAME} символов.", field="name")
    return name


def list_persons(spk: Organisation, query: str = "", page: int = 1, per_page: int = PER_PAGE) -> Page:
    """One page of persons, by ФИО; a person matches when any of their results bears the name."""
    scope = result_scope(spk)
    where = [scope]
    if query:
        matching = CentralResult.select(CentralResult.person_key).where(
            scope, name_condition(CentralResult.full_name, query, MATCH_CONTAINS))
        where.append(CentralResult.person_key.in_(matching))
    issued = (Certificate.status == CertificateStatus.ISSUED) & (Certificate.result == CentralResult.id)
    grouped = (CentralResult
               .select(CentralResult.person_key, fn.COUNT(CentralResult.id.distinct()).alias("exams"),
                       fn.MAX(CentralResult.exam_date).alias("last_exam"),
                       fn.COUNT(Certificate.id.distinct()).alias("documents"))
               .join(Certificate, JOIN.LEFT_OUTER, on=issued)
               .where(*where)
               .group_by(CentralResult.person_key))
    total = grouped.count()
    page, pages = page_bounds(total, page, per_page)
    counted = list(grouped.order_by(fn.MAX(CentralResult.full_name), CentralResult.person_key)
                   .paginate(page, per_page).dicts())
    latest = _latest_results(scope, [data["person_key"] for data in counted])
    rows = []
    for data in counted:
        last = latest[data["person_key"]]
        rows.append(PersonRow(person_key=data["person_key"], full_name=last.full_name, exams=data["exams"],
                              last_exam=last.exam_date, last_decision=last.decision, documents=data["documents"]))
    return Page(rows=rows, total=total, page=page, pages=pages, per_page=per_page)


def _latest_results(scope, keys: list[str]) -> dict[str, CentralResult]:
    """The newest result of each of the page's persons (one statement for the whole page)."""
    latest: dict[str, CentralResult] = {}
    if not keys:
        return latest
    query = (CentralResult
             .select(CentralResult.id, CentralResult.person_key, CentralResult.full_name, CentralResult.exam_date,
                     CentralResult.decision)
             .where(scope, CentralResult.person_key.in_(keys))
             .order_by(CentralResult.exam_date.desc(), CentralResult.id.desc()))
    for result in query:
        latest.setdefault(result.person_key, result)
    return latest


def person_file(spk: Organisation, person_key: str) -> PersonFile:
    """The person's results at this СПК; `NotFoundError` for an unknown key or another СПК's person."""
    if not PERSON_KEY.match(person_key or ""):
        raise NotFoundError(NOT_FOUND)
    cok, venue = Organisation.alias("cok"), Organisation.alias("venue")
    results = list(CentralResult
                   .select(CentralResult, cok, venue)
                   .join_from(CentralResult, cok, on=(CentralResult.cok == cok.id))
                   .join_from(CentralResult, venue, JOIN.LEFT_OUTER, on=(CentralResult.venue == venue.id))
                   .where(result_scope(spk), CentralResult.person_key == person_key)
                   .order_by(CentralResult.exam_date.desc(), CentralResult.id.desc()))
    if not results:
        raise NotFoundError(NOT_FOUND)
    ids = [result.id for result in results]
    file = PersonFile(person_key=person_key, full_name=results[0].full_name, results=results)
    for certificate in (Certificate.select().where(Certificate.result.in_(ids))
                        .order_by(Certificate.created_at, Certificate.id)):
        file.certificates.setdefault(certificate.result_id, []).append(certificate)
    for document in (ResultDocument.select().where(ResultDocument.result.in_(ids))
                     .order_by(ResultDocument.part_name)):
        file.documents.setdefault(document.result_id, []).append(document)
    return file


def person_document(spk: Organisation, person_key: str, document_id: int) -> ResultDocument:
    """A document of one of the person's results at this СПК, or `NotFoundError`."""
    document = (ResultDocument.select(ResultDocument, CentralResult)
                .join(CentralResult)
                .where(ResultDocument.id == document_id, CentralResult.person_key == person_key, result_scope(spk))
                .first())
    if document is None:
        raise NotFoundError("Документ не найден.")
    return document
