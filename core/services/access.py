"""Who may see which application: one place for the organisation checks of every resource.

A ЦОК sees applications addressed to it; a venue (Площадка) those to be examined there; an
employer those it pays for; an applicant their own. Anything else looks «not found», so a
URL with someone else's id reveals nothing.
"""
from __future__ import annotations

import peewee

from core.exceptions import NotFoundError
from core.models import Application, OrgKind, Role, User


def visible_applications(user: User) -> peewee.ModelSelect:
    """The applications `user` may open, as a query to filter and paginate further."""
    query = Application.select()
    role = Role(user.role)
    if role is Role.APPLICANT:
        return query.where(Application.applicant == user)
    if role in (Role.ADMIN, Role.OPERATOR) and user.organisation_id:
        kind = OrgKind(user.organisation.kind)
        if kind is OrgKind.COK:
            return query.where(Application.cok == user.organisation_id)
        if kind is OrgKind.VENUE:
            return query.where(Application.venue == user.organisation_id)
        if kind is OrgKind.EMPLOYER:
            return query.where(Application.employer == user.organisation_id)
    return query.where(peewee.SQL("1 = 0"))


def get_application(user: User, application_id: int) -> Application:
    """Return the application if `user` may open it, else raise `NotFoundError` (Russian)."""
    found = visible_applications(user).where(Application.id == application_id).first()
    if found is None:
        raise NotFoundError("Заявление не найдено.")
    return found
