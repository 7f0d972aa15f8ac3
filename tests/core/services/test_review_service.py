"""Reviewing applications: verdicts, доработка, and the queue's filters and pages in the database."""
import datetime as dt

import pytest

from centre_services_world import ServicesWorld
from core.exceptions import NotFoundError, PermissionDeniedError, ValidationError
from core.models import ApplicationDocument, DocumentReview, OrgKind, OutgoingMail, Role
from core.plugins import PluginHost
from core.services import review as svc
from core.workflow import Status


@pytest.fixture
def world(sqlcipher_db, factory):
    return ServicesWorld(factory)


def _docs(app):
    return list(ApplicationDocument.select().where(ApplicationDocument.application == app)
                .order_by(ApplicationDocument.id))


def test_review_and_send_for_fixes(world):
    app = world.application()
    passport, diploma = _docs(app)
    with pytest.raises(ValidationError) as caught:
        svc.review_document(world.admin, diploma, DocumentReview.REJECTED, "  ")
    assert caught.value.field == f"reason_{diploma.id}"
    svc.review_document(world.venue_admin, passport, DocumentReview.ACCEPTED, "ignored")
    assert ApplicationDocument.get_by_id(passport.id).reject_reason is None
    with pytest.raises(ValidationError, match="отклоните"):
        svc.send_for_fixes(world.admin, app, PluginHost())
    svc.review_and_send_for_fixes(world.operator, app, {diploma.id: ("rejected", "Нет печати")}, PluginHost())
    assert app.__class__.get_by_id(app.id).status == Status.NEEDS_FIX.value
    letter = OutgoingMail.get()
    assert "Диплом: Нет печати" in letter.body and letter.recipient == app.applicant.email
    with pytest.raises(ValidationError, match="На рассмотрении"):
        svc.review_document(world.admin, passport, DocumentReview.REJECTED, "поздно")


def test_review_documents_saves_all_or_nothing(world):
    app = world.application()
    passport, diploma = _docs(app)
    with pytest.raises(ValidationError) as caught:
        svc.review_documents(world.admin, app, {passport.id: ("accepted", ""), diploma.id: ("rejected", "")})
    assert set(caught.value.errors) == {f"reason_{diploma.id}"}
    assert ApplicationDocument.get_by_id(passport.id).review == DocumentReview.PENDING
    docs = svc.review_documents(world.admin, app, {passport.id: ("accepted", ""), diploma.id: ("accepted", "")})
    assert svc.all_accepted(docs) and ApplicationDocument.get_by_id(passport.id).reviewed_by_id == world.admin.id


def test_strangers_cannot_review(world, factory):
    app = world.application()
    doc = _docs(app)[0]
    for actor in (world.other_admin, world.far_admin):
        with pytest.raises(NotFoundError):
            svc.review_document(actor, doc, DocumentReview.ACCEPTED)
    employer = factory.org(OrgKind.EMPLOYER)
    with pytest.raises(PermissionDeniedError):
        svc.review_document(factory.user(Role.ADMIN, employer, password=None), doc, DocumentReview.ACCEPTED)


def test_queue_filters_and_pages(world):
    for n, name in enumerate(("Иванов Иван Иванович", "Иванова Анна Петровна", "Петров Иван Сергеевич")):
        world.application(full_name=name, submitted_at=dt.datetime(2026, 3, 1 + n, 9))
    world.application(full_name="Черновой Иван", status=Status.DRAFT)
    world.application(full_name="Чужой Иван", cok=world.other_cok, venue=world.other_venue)

    def names(actor=world.admin, page=1, per_page=25, **params):
        rows, total = svc.search_applications(actor, svc.parse_queue_filter(params), page, per_page)
        return [r.full_name.split()[0] for r in rows], total

    assert names() == (["Петров", "Иванова", "Иванов"], 3)
    assert names(name="иванов") == (["Иванова", "Иванов"], 2)
    assert names(name="иван", match="contains") == (["Петров", "Иванова", "Иванов"], 3)
    assert names(date_from="02.03.2026", date_to="2026-03-02") == (["Иванова"], 1)
    assert names(page=2, per_page=2) == (["Иванов"], 3)
    assert names(actor=world.venue_admin, status="submitted") == (["Петров", "Иванова", "Иванов"], 3)
    assert names(actor=world.other_admin) == (["Чужой"], 1)
    with pytest.raises(ValidationError) as caught:
        svc.parse_queue_filter({"status": "draft", "date_from": "x", "qualification": "1; drop"})
    assert set(caught.value.errors) == {"status", "date_from", "qualification"}
