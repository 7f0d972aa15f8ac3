"""Результаты экзаменов at the СПК: scope, filters and paging in the database, the СПК's «Оценка»."""
import datetime as dt

import pytest

from central import revisions
from central.models import CentralResult, ResultStatus
from central.services.paging import paginate
from central.services.results import (ResultFilters, change_decision, get_result, list_results, result_payload)
from central.services.scope import spk_results
from core.audit import AuditRecord
from core.exceptions import NotFoundError, ValidationError
from core.models import OrgKind, ProfStandard, Qualification, Verdict
from core.testing import count_queries


@pytest.fixture
def other_spk(spk_world):
    """A second СПК with its own ЦОК and qualification: nothing of it may show at the first."""
    factory = spk_world.factory
    spk = factory.org(OrgKind.SPK, full_name="СПК в строительстве", short_name="СПК строительства")
    cok = factory.org(OrgKind.COK, parent=spk, full_name="ЦОК «Стройка»", short_name="ЦОК «Стройка»")
    standard = ProfStandard.create(code="16.025", name="Организатор строительного производства")
    qualification = Qualification.create(spk=spk, prof_standard=standard, code="16.02500.01",
                                         name="Организатор строительного производства", level=6)
    return spk, cok, qualification


def test_scope_is_own_qualifications_or_own_coks(spk_world, other_spk):
    _, other_cok, other_qualification = other_spk
    own = spk_world.add_result(full_name="Свой Первый Соискатель")
    unmatched = spk_world.add_result(full_name="Свой Без Квалификации", qualification_code="99.99999.99")
    unmatched.qualification = None  # the ЦОК sent a qualification the registry does not know
    unmatched.save()
    spk_world.add_result(full_name="Чужой Строитель", qualification=other_qualification, cok=other_cok)
    spk_world.add_result(full_name="Чужая Квалификация Нашего Цок", qualification=other_qualification)
    assert {r.id for r in spk_results(spk_world.spk)} == {own.id, unmatched.id}
    page = list_results(spk_world.spk, ResultFilters())
    assert {row.result.id for row in page.rows} == {own.id, unmatched.id}
    foreign = CentralResult.get(CentralResult.full_name == "Чужой Строитель")
    with pytest.raises(NotFoundError):
        get_result(spk_world.spk, foreign.id)
    assert get_result(spk_world.spk, own.id).id == own.id


def test_filters_run_in_the_database(spk_world):
    world = spk_world
    ivanova = world.add_result(full_name="Иванова Мария Петровна")
    world.add_result(full_name="Петров Иван Сергеевич", qualification=world.qualifications[1])
    south = world.add_result(full_name="Сидоров Олег Юрьевич", cok=world.coks[1])
    in_protocol = world.add_result(full_name="Кузнецов Пётр Ильич", status=ResultStatus.IN_PROTOCOL)

    def names(**kw):
        return [row.result.full_name for row in list_results(world.spk, ResultFilters(**kw)).rows]

    assert names(query="иванова") == ["Иванова Мария Петровна"]  # Cyrillic case folds on SQLite too
    assert set(names(query="ИВАН")) == {"Иванова Мария Петровна", "Петров Иван Сергеевич"}
    assert names(qualification_id=world.qualifications[1].id) == ["Петров Иван Сергеевич"]
    assert names(cok_id=world.coks[1].id) == [south.full_name]
    assert names(status=ResultStatus.IN_PROTOCOL) == [in_protocol.full_name]
    assert ivanova.full_name in names(status=ResultStatus.RECEIVED)
    with pytest.raises(ValidationError, match="статус"):
        list_results(world.spk, ResultFilters(status="lost"))


def test_pages_are_clamped_and_rows_need_no_query_each(spk_world):
    for n in range(7):
        spk_world.add_result(full_name=f"Соискатель {n:02d} Тестович", exam_date=dt.date.today() - dt.timedelta(days=n))
    first = paginate(spk_results(spk_world.spk).order_by(CentralResult.id), 1, per_page=3)
    assert (first.total, first.pages, first.page, len(first.rows)) == (7, 3, 1, 3)
    assert first.has_next and not first.has_previous
    last = paginate(spk_results(spk_world.spk).order_by(CentralResult.id), 99, per_page=3)
    assert (last.page, len(last.rows)) == (3, 1)
    assert paginate(spk_results(spk_world.spk).where(CentralResult.id < 0), 5).page == 1
    with count_queries(spk_world.services.db) as queries:
        page = list_results(spk_world.spk, ResultFilters())
        for row in page.rows:
            _ = (row.result.cok.short_name, row.deadline and row.deadline.title)
    assert len(queries) <= 3, queries  # settings, count, page


def test_change_decision_until_the_protocol(spk_world):
    result = spk_world.add_result(verdict=Verdict.PASSED)
    before = revisions.current_version()
    change_decision(result, Verdict.FAILED, spk_world.admin, "Видеозапись практического этапа не подтверждает")
    stored = CentralResult.get_by_id(result.id)
    assert (stored.decision, stored.commission_verdict) == (Verdict.FAILED, Verdict.PASSED)
    assert stored.decision_changed_by_id == spk_world.admin.id and stored.decision_changed_at
    assert revisions.current_version() > before
    assert AuditRecord.select().where(AuditRecord.action == "decision_comment").count() == 1
    with pytest.raises(ValidationError, match="Сдал"):
        change_decision(result, "maybe", spk_world.admin)
    stored.status = ResultStatus.IN_PROTOCOL
    stored.save()
    with pytest.raises(ValidationError, match="протокол"):
        change_decision(stored, Verdict.PASSED, spk_world.admin)
    assert CentralResult.get_by_id(result.id).decision == Verdict.FAILED


def test_result_payload_is_the_stored_json(spk_world):
    result = spk_world.add_result(full_name="Орлов Денис Андреевич")
    payload = result_payload(spk_world.services, result)
    assert payload["format"] == "nok-result-bundle/1"
    assert payload["result"]["applicant"]["full_name"] == "Орлов Денис Андреевич"
