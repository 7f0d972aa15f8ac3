"""The status machine: every allowed transition works, every other pair and actor is refused."""
import itertools

import pytest

from core.exceptions import PermissionDeniedError, ValidationError
from core.models import (Application, ApplicationStatusChange, AuditRecord, OrgKind, OutgoingMail, ProfStandard,
                         Qualification, Role)
from core.plugins import PluginHost
from core.services.applications import change_status
from core.workflow import TRANSITIONS, ActorKind, Status, allowed_targets, find_transition

ALLOWED = [(t.source, t.target, actor) for t in TRANSITIONS for actor in sorted(t.actors)]
FORBIDDEN_PAIRS = [(s, t) for s, t in itertools.product(Status, Status) if find_transition(s, t) is None]
WRONG_ACTORS = [(t.source, t.target, actor) for t in TRANSITIONS for actor in ActorKind if actor not in t.actors]


@pytest.fixture
def application(sqlcipher_db, factory):
    spk = factory.org(OrgKind.SPK)
    cok = factory.org(OrgKind.COK, parent=spk)
    venue = factory.org(OrgKind.VENUE, parent=cok)
    std = ProfStandard.create(code="40.054", name="Специалист в области охраны труда")
    qual = Qualification.create(spk=spk, prof_standard=std, code="40.05400.01", name="Специалист по охране труда",
                                level=6)
    applicant = factory.user(Role.APPLICANT, email="welder@mail.ru")
    return Application.create(applicant=applicant, cok=cok, venue=venue, qualification=qual,
                              status=Status.DRAFT.value, number="2026-000001")


def test_every_status_has_a_russian_title_and_is_reachable():
    reachable = {Status.DRAFT} | {t.target for t in TRANSITIONS}
    assert reachable == set(Status)
    assert all(s.title and not s.title.isascii() for s in Status)


@pytest.mark.parametrize("source, target, actor", ALLOWED, ids=lambda v: getattr(v, "value", v))
def test_allowed_transition(application, source, target, actor):
    application.status = source.value
    application.save()
    change_status(application, target, actor, None, PluginHost(), comment="проверка")
    fresh = Application.get_by_id(application.id)
    assert fresh.status == target.value
    row = ApplicationStatusChange.get(ApplicationStatusChange.application == application)
    assert (row.from_status, row.to_status, row.comment) == (source.value, target.value, "проверка")
    assert AuditRecord.select().where((AuditRecord.action == "status") & (AuditRecord.entity_id == str(application.id))).count() == 1
    letter = OutgoingMail.get()
    assert letter.recipient == "welder@mail.ru" and target.title in letter.subject
    assert target in allowed_targets(source, actor)


@pytest.mark.parametrize("source, target", FORBIDDEN_PAIRS, ids=lambda v: v.value)
def test_forbidden_pair(application, source, target):
    application.status = source.value
    application.save()
    with pytest.raises(ValidationError, match="Нельзя перевести"):
        change_status(application, target, ActorKind.CENTRE, None, PluginHost())
    assert Application.get_by_id(application.id).status == source.value
    assert OutgoingMail.select().count() == 0


@pytest.mark.parametrize("source, target, actor", WRONG_ACTORS, ids=lambda v: getattr(v, "value", v))
def test_wrong_actor(application, source, target, actor):
    application.status = source.value
    application.save()
    with pytest.raises(PermissionDeniedError, match="недоступно"):
        change_status(application, target, actor, None, PluginHost())
    assert Application.get_by_id(application.id).status == source.value


def test_plugin_failure_rolls_back_the_change(application):
    from core.exceptions import PluginError
    from core.plugin_api import hookimpl

    class Grumpy:
        @hookimpl
        def nok_application_status_changed(self, application, old_status, new_status, actor):
            raise RuntimeError("не хочу")

    with pytest.raises(PluginError):
        change_status(application, Status.SUBMITTED, ActorKind.APPLICANT, None,
                      PluginHost.with_plugins({"grumpy": Grumpy()}))
    assert Application.get_by_id(application.id).status == Status.DRAFT.value
    assert ApplicationStatusChange.select().count() == 0 and OutgoingMail.select().count() == 0
