"""Who may watch which recording and which station: the organisation checks of playback and monitoring.

A candidate's recordings (and the room cameras of their group) are shown to the experts of that
group's commission and to the staff of the ЦОК and of the venue that see the group
(`core.services.exam_groups.get_group`). The live pictures of stations are shown to the staff of
the venue the station stands at and of the ЦОК that venue belongs to. Anything else answers «not
found», so an id from another organisation reveals nothing.
"""
from __future__ import annotations

import peewee

from core.exceptions import NotFoundError, PermissionDeniedError
from core.models import CommissionMember, ExamGroup, GroupMember, Organisation, OrgKind, Role, User
from core.services import exam_groups
from plugins.video_capture.models import Recording, Segment, Station

STAFF = frozenset({Role.ADMIN.value, Role.OPERATOR.value})
MONITORING_ORGS = frozenset({OrgKind.COK.value, OrgKind.VENUE.value})
NOT_FOUND = "Видеозапись не найдена."


def signed_in(services, req) -> User:
    """The signed-in user in their own cabinet (its menu set for the page); without a session the
    sign-in page (`services.require_cabinet` redirects)."""
    user = req.context.get("user")
    user, _ = services.require_cabinet(req, user.cabinet.value if user is not None else "expert")
    return user


def may_watch_group(user: User, group: ExamGroup) -> bool:
    """An expert of the group's commission, or staff of the ЦОК or venue that see the group."""
    if user.role == Role.EXPERT.value:
        return CommissionMember.select().where((CommissionMember.group == group.id)
                                               & (CommissionMember.expert == user.id)).exists()
    if user.role not in STAFF:
        return False
    try:
        exam_groups.get_group(user, group.kind, group.id)
    except (NotFoundError, PermissionDeniedError):
        return False
    return True


def watched_member(user: User, member_id: int) -> GroupMember:
    """The candidate (group membership) whose recordings `user` may watch, else `NotFoundError`."""
    member = (GroupMember.select(GroupMember, ExamGroup).join(ExamGroup)
              .where(GroupMember.id == member_id).first())
    if member is None or not may_watch_group(user, member.group):
        raise NotFoundError(NOT_FOUND)
    return member


def watched_segment(user: User, segment_id: int) -> Segment:
    """A segment of a recording `user` may watch (its group is visible to them), else `NotFoundError`."""
    segment = (Segment.select(Segment, Recording).join(Recording)
               .where((Segment.id == segment_id) & Recording.destroyed_at.is_null()).first())
    if segment is None or segment.digest is None:
        raise NotFoundError(NOT_FOUND)
    recording = segment.recording
    group_id = recording.group_id
    if group_id is None and recording.member_id is not None:
        group_id = GroupMember.get_by_id(recording.member_id).group_id
    group = ExamGroup.get_or_none(ExamGroup.id == group_id) if group_id is not None else None
    if group is None or not may_watch_group(user, group):
        raise NotFoundError(NOT_FOUND)
    return segment


def monitoring_org(user: User) -> Organisation:
    """The ЦОК or venue whose stations the staff member `user` watches; anyone else gets «not found»."""
    if user.role not in STAFF or not user.organisation_id or user.organisation.kind not in MONITORING_ORGS:
        raise NotFoundError("Наблюдение доступно сотрудникам ЦОК и площадок.")
    return user.organisation


def visible_stations(org: Organisation) -> peewee.ModelSelect:
    """Stations of the venue, or of every venue of the ЦОК, venue loaded in the same query."""
    query = Station.select(Station, Organisation).join(Organisation, on=Station.venue)
    if org.kind == OrgKind.VENUE.value:
        return query.where(Station.venue == org.id)
    return query.where((Organisation.parent == org.id) & (Organisation.kind == OrgKind.VENUE.value))


def watched_station(user: User, station_id: int) -> Station:
    station = visible_stations(monitoring_org(user)).where(Station.id == station_id).first()
    if station is None:
        raise NotFoundError("Станция не найдена.")
    return station
