"""Сроки: the current term of each result, per СПК settings, and «только просроченные» in SQL."""
import datetime as dt

from central.models import Certificate, CertificateKind, CertificateStatus, ResultStatus, SpkSettings
from central.services.deadlines import result_deadline, sent_late, settings_for
from central.services.results import ResultFilters, list_results
from core.models import OrgKind
from core.testing import count_queries

TODAY = dt.date(2026, 12, 10)


def test_settings_default_to_the_law_and_are_created_once(spk_world):
    spk = spk_world.factory.org(OrgKind.SPK, full_name="СПК без настроек", short_name="СПК 2")
    first = settings_for(spk)
    assert (first.days_spk_decision, first.days_issue, first.days_duplicate, first.days_to_spk) == (14, 30, 15, 7)
    assert settings_for(spk).id == first.id
    assert SpkSettings.select().where(SpkSettings.spk == spk.id).count() == 1
    assert settings_for(spk_world.spk).id == spk_world.settings.id


def test_terms_by_status(spk_world):
    settings = spk_world.settings
    received = spk_world.add_result(exam_date=dt.date(2026, 11, 20))
    info = result_deadline(received, settings, TODAY)
    assert (info.code, info.due, info.overdue, info.days_left) == ("spk_decision", dt.date(2026, 12, 4), True, -6)
    assert info.title == "Решение СПК — до 4 декабря 2026 г." and info.state_text == "Просрочено на 6 дн."
    approved = spk_world.add_result(exam_date=dt.date(2026, 11, 20), status=ResultStatus.SENT_TO_NARK)
    info = result_deadline(approved, settings, TODAY)
    assert (info.code, info.due, info.overdue, info.days_left) == ("issue", dt.date(2026, 12, 20), False, 10)
    assert info.title == "Выдача документа — до 20 декабря 2026 г." and info.state_text == "Осталось 10 дн."
    assert result_deadline(approved, settings, dt.date(2026, 12, 20)).state_text == "Последний день"
    issued = spk_world.add_result(exam_date=dt.date(2026, 1, 20), status=ResultStatus.ISSUED)
    assert result_deadline(issued, settings, TODAY) is None
    original = Certificate.create(kind=CertificateKind.CERTIFICATE, result=issued, public_id="a" * 32,
                                  status=CertificateStatus.ISSUED, registration_number="40.05400.01.00000001.26")
    Certificate.create(kind=CertificateKind.CERTIFICATE, result=issued, public_id="b" * 32, is_duplicate=True,
                       duplicate_of=original, duplicate_requested_at=dt.date(2026, 12, 1))
    info = result_deadline(issued, settings, TODAY)
    assert (info.code, info.due, info.overdue) == ("duplicate", dt.date(2026, 12, 16), False)
    assert info.title == "Выдача дубликата — до 16 декабря 2026 г."
    settings.days_spk_decision = 30  # the СПК's own term
    settings.save()
    assert result_deadline(received, settings, TODAY).overdue is False


def test_cok_late_with_the_materials(spk_world):
    exam = dt.date(2026, 11, 20)
    on_time = spk_world.add_result(exam_date=exam, received_at=dt.datetime(2026, 11, 27, 23, 0))
    late = spk_world.add_result(exam_date=exam, received_at=dt.datetime(2026, 11, 28, 9, 0))
    assert not sent_late(on_time, spk_world.settings)
    assert sent_late(late, spk_world.settings)


def test_only_overdue_is_a_database_filter(spk_world):
    world = spk_world
    world.add_result(full_name="В срок Решение", exam_date=TODAY - dt.timedelta(days=14))  # due today
    late_decision = world.add_result(full_name="Просрочено Решение", exam_date=TODAY - dt.timedelta(days=15))
    world.add_result(full_name="В срок Выдача", exam_date=TODAY - dt.timedelta(days=30),
                     status=ResultStatus.IN_PROTOCOL)
    late_issue = world.add_result(full_name="Просрочена Выдача", exam_date=TODAY - dt.timedelta(days=31),
                                  status=ResultStatus.REGISTERED)
    world.add_result(full_name="Выдано Давно", exam_date=TODAY - dt.timedelta(days=400), status=ResultStatus.ISSUED)
    duplicate_for = world.add_result(full_name="Ждёт Дубликат", exam_date=TODAY - dt.timedelta(days=400),
                                     status=ResultStatus.ISSUED)
    original = Certificate.create(kind=CertificateKind.CERTIFICATE, result=duplicate_for, public_id="c" * 32,
                                  status=CertificateStatus.ISSUED)
    Certificate.create(kind=CertificateKind.CERTIFICATE, result=duplicate_for, public_id="d" * 32,
                       is_duplicate=True, duplicate_of=original,
                       duplicate_requested_at=TODAY - dt.timedelta(days=16))
    with count_queries(world.services.db) as queries:
        page = list_results(world.spk, ResultFilters(overdue_only=True), today=TODAY)
    assert page.total == 3  # counted by the database, before paging
    assert {row.result.full_name for row in page.rows} == {late_decision.full_name, late_issue.full_name,
                                                           duplicate_for.full_name}
    assert all(row.deadline.overdue for row in page.rows)
    assert len(queries) <= 3
    everything = list_results(world.spk, ResultFilters(), today=TODAY)
    overdue_flags = {row.result.full_name: bool(row.deadline and row.deadline.overdue) for row in everything.rows}
    assert sum(overdue_flags.values()) == 3  # the SQL condition and the Python term agree
