"""Which candidate and group a station films, so its recordings are bound to them.

A workstation learns it from the kiosk: the candidate who signs in with the access code from
the machine's address is the one its webcam and screen show (`bind_station`, called by the
``nok_kiosk_signed_in`` hook inside the sign-in transaction). A room camera films a whole
group, chosen by the venue operator on the stations page. A binding lasts while the group's
exam time does (`core.services.kiosk.entry_window`): afterwards the station films nobody and
its next recording is unbound.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.documents.texts import short_person_name
from core.models import Application, ExamGroup, GroupMember
from core.models.exams import GROUP_KIND_TITLES
from core.services.kiosk import entry_window, utc_to_local, utcnow
from plugins.video_capture.models import ROOM, WORKSTATION, Station


@dataclass(frozen=True)
class Binding:
    """What GET /api/binding answers: who the station films now and the label on its frames."""

    group: int | None
    member: int | None
    label: str
    person: str | None = None  # the candidate's full name (stations page)
    group_title: str | None = None

    def as_json(self) -> dict:
        return {"group": self.group, "member": self.member, "label": self.label}


def group_label(group: ExamGroup) -> str:
    """«Теория, 23.11.2026 10:00» — a group as a room camera's label and the stations page name it."""
    return f"{GROUP_KIND_TITLES.get(group.kind, 'Группа')}, {group.starts_at:%d.%m.%Y %H:%M}"


def is_running(group: ExamGroup, now: dt.datetime | None = None) -> bool:
    """Whether the group's exam time is not over yet (`now` in UTC)."""
    return utc_to_local(now or utcnow()) <= entry_window(group)[1]


def bind_station(session, client_ip) -> None:
    """A candidate signed in at the kiosk from `client_ip`: the workstation there films them now.

    Only a workstation of the group's venue with exactly that address is bound; the candidate is
    unbound from any other workstation (they moved to another seat). No station there: nothing.
    """
    if not client_ip:
        return
    member = (GroupMember.select(GroupMember, ExamGroup).join(ExamGroup)
              .where(GroupMember.id == session.member_id).first())
    if member is None:
        return
    stations = Station.select().where((Station.venue == member.group.venue_id) & (Station.kind == WORKSTATION)
                                      & ((Station.address == client_ip) | (Station.current_member == member.id)))
    for station in stations:
        here = station.address == client_ip
        if here and station.current_member_id == member.id and station.current_group_id == member.group_id:
            continue
        station.current_member = member.id if here else None
        station.current_group = member.group_id if here else None
        station.save()


def current_bindings(stations: list[Station], now: dt.datetime | None = None) -> dict[int, Binding]:
    """Who each station films now, in two queries for any number of stations: a workstation its
    candidate, a room camera its group, while the group's time lasts; otherwise nobody, and the
    label is the station's name alone."""
    member_ids = {s.current_member_id for s in stations if s.kind == WORKSTATION and s.current_member_id}
    group_ids = {s.current_group_id for s in stations if s.kind == ROOM and s.current_group_id}
    members = {m.id: m for m in (GroupMember.select(GroupMember, ExamGroup, Application.full_name)
                                 .join(ExamGroup).switch(GroupMember).join(Application)
                                 .where(GroupMember.id.in_(member_ids)))} if member_ids else {}
    groups = {g.id: g for g in ExamGroup.select().where(ExamGroup.id.in_(group_ids))} if group_ids else {}
    result = {}
    for station in stations:
        binding = Binding(None, None, station.name)
        member = members.get(station.current_member_id) if station.kind == WORKSTATION else None
        group = member.group if member else groups.get(station.current_group_id) if station.kind == ROOM else None
        if group is not None and is_running(group, now):
            if member is not None:
                binding = Binding(group.id, member.id,
                                  f"{station.name} — {short_person_name(member.application.full_name)}",
                                  member.application.full_name, group_label(group))
            else:
                binding = Binding(group.id, None, f"{station.name} — {group_label(group)}", None, group_label(group))
        result[station.id] = binding
    return result


def current_binding(station: Station, now: dt.datetime | None = None) -> Binding:
    """Who `station` films now (GET /api/binding, and a new recording is bound to it)."""
    return current_bindings([station], now)[station.id]
