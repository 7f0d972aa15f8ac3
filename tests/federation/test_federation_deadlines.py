"""The ЦОК's deadlines of Постановление № 1204: the СПК's terms from the snapshot or the law's defaults."""
import datetime as dt
import json

import pytest

from core.models import Application
from core.workflow import Status
from federation.deadlines import appliance_settings, documents_due, last_exam_date, spk_due
from federation.testing_reference import enrol

DEFAULTS = {"days_documents": 10, "days_to_spk": 7, "days_spk_decision": 14, "days_issue": 30,
            "days_duplicate": 15, "failed_retention_years": 1}


@pytest.fixture
def db(services):
    services.db.connect(reuse_if_open=True)
    return services


def test_defaults_until_the_registry_sends_terms(db):
    assert appliance_settings(db) == DEFAULTS
    link = enrol()
    assert appliance_settings(db) == DEFAULTS
    link.settings = json.dumps({"days_documents": 5, "days_to_spk": 3, "unknown": 1, "days_issue": "много"})
    link.save()
    assert appliance_settings(db) == {**DEFAULTS, "days_documents": 5, "days_to_spk": 3}
    link.settings = "не json"
    link.save()
    assert appliance_settings(db) == DEFAULTS


def test_documents_due_while_the_application_is_under_review():
    submitted = dt.datetime(2026, 11, 20, 9, 0)
    app = Application(status=Status.SUBMITTED.value, submitted_at=submitted)
    settings = dict(DEFAULTS)
    due_day = (submitted.replace(tzinfo=dt.timezone.utc).astimezone().date() + dt.timedelta(days=10))
    fresh = documents_due(app, settings, today=due_day)
    assert (fresh.code, fresh.due, fresh.overdue, fresh.days_left) == ("documents", due_day, False, 0)
    assert fresh.title == "Решение по документам — до 30 ноября 2026 г."
    late = documents_due(app, settings, today=due_day + dt.timedelta(days=3))
    assert late.overdue and late.days_left == -3 and late.title.endswith("просрочено на 3 дн.")
    assert documents_due(app, {**settings, "days_documents": 20}, today=due_day + dt.timedelta(days=3)).overdue is False
    for status in (Status.DRAFT, Status.AWAITING_PAYMENT, Status.NEEDS_FIX):
        assert documents_due(Application(status=status.value, submitted_at=submitted), settings) is None


def test_spk_due_after_the_exam_until_sent():
    exam = dt.date(2026, 11, 18)
    settings = dict(DEFAULTS)
    app = Application(status=Status.COMMISSION_DECIDED.value)
    ok = spk_due(app, settings, exam_date=exam, today=dt.date(2026, 11, 25))
    assert ok.due == dt.date(2026, 11, 25) and not ok.overdue and ok.title == "Отправить в СПК — до 25 ноября 2026 г."
    late = spk_due(app, settings, exam_date=dt.datetime(2026, 11, 18, 10, 0), today=dt.date(2026, 11, 26))
    assert late.overdue and late.title == "Срок отправки в СПК истёк 25 ноября 2026 г."
    assert spk_due(app, {**settings, "days_to_spk": 10}, exam_date=exam, today=dt.date(2026, 11, 26)).overdue is False
    for status in (Status.SENT_TO_SPK, Status.CERTIFICATE_ISSUED, Status.ADMITTED, Status.THEORY_PASSED):
        assert spk_due(Application(status=status.value), settings, exam_date=exam) is None


def test_exam_date_is_read_from_the_groups_when_not_given(db, factory):
    from federation.testing_reference import ReferenceWorld

    ref = ReferenceWorld(factory, plugins=db.plugins)
    group, (app,) = ref.theory("Иванов Пётр Сергеевич", passed=False)
    assert last_exam_date(app) == group.starts_at.date()
    due = spk_due(Application.get_by_id(app.id), appliance_settings(db))
    assert due.due == group.starts_at.date() + dt.timedelta(days=7)
