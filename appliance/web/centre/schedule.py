"""«Расписание»: exam days and times per qualification and venue, a week at a time.

A venue edits its own schedule, a ЦОК those of its venues. One form adds a whole term
(date range × weekdays × times); each time shows «занято/мест» and can be removed while
nobody has chosen it.
"""
from __future__ import annotations

import datetime as dt
import itertools

import falcon

from appliance.web.centre.common import CentreResource, form_errors
from core.web.forms import read_form
from core.exceptions import ValidationError
from core.services import catalog
from core.services.applicant_profile import Checker

DAY_NAMES = ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье")


def monday_of(value: str | None) -> dt.date:
    """The Monday of the week holding `value` (ISO date), this week when absent or wrong."""
    try:
        day = dt.date.fromisoformat(value) if value else dt.date.today()
    except ValueError:
        day = dt.date.today()
    return day - dt.timedelta(days=day.weekday())


class ScheduleResource(CentreResource):
    section = "schedule"

    def on_get(self, req, resp, cabinet):
        if self.other_cabinet(req, resp, cabinet):
            return
        self.guard(req, cabinet)
        self.week(req, resp, notice=self.notice(req))

    @staticmethod
    def notice(req) -> str | None:
        if req.get_param("notice") == "removed":
            return "Время экзамена удалено."
        if req.get_param("notice") == "added":
            text = f"Добавлено экзаменов: {req.get_param_as_int('created', default=0)}."
            skipped = req.get_param_as_int("skipped", default=0)
            return text + (f" Уже были в расписании: {skipped}." if skipped else "")
        return None

    def week(self, req, resp, *, form=None, errors=None, notice=None, status=None):
        user = req.context.user
        venues = catalog.schedule_venues(user)
        monday = monday_of(req.get_param("week"))
        shown = [v for v in venues if str(v.id) == req.get_param("venue")] or venues
        rows = catalog.list_slots(shown, monday, 7) if shown else []
        days = [(day, list(slots)) for day, slots in itertools.groupby(rows, key=lambda r: r.slot.starts_at.date())]
        defaults = {"date_from": monday.isoformat(), "date_to": (monday + dt.timedelta(days=6)).isoformat(),
                    "times": "09:00", "seats": "10", "venue": str(venues[0].id) if len(venues) == 1 else ""}
        errors = errors or {}
        self.page(req, resp, "centre/schedule.html", title="Расписание", status=status or self.status_of(errors),
                  venues=venues, venue_filter=req.get_param("venue") or "", days=days, day_names=DAY_NAMES,
                  monday=monday, sunday=monday + dt.timedelta(days=6), prev_week=monday - dt.timedelta(days=7), next_week=monday + dt.timedelta(days=7),
                  offers=catalog.list_offers(user.organisation), weekday_titles=catalog.WEEKDAY_TITLES,
                  form=form or defaults, errors=errors, notice=notice)

    def on_post(self, req, resp, cabinet):
        user = self.guard(req, cabinet)
        form = read_form(req)
        check = Checker()
        venue = check(catalog.schedule_venue, user, form.get("venue"))
        qualification = check(catalog.offered_qualification, user.organisation, form.get("qualification"))
        date_from = check(catalog.parse_date, form.get("date_from"), "date_from", "Дата начала")
        date_to = check(catalog.parse_date, form.get("date_to"), "date_to", "Дата окончания")
        times = check(catalog.parse_times, form.get("times", ""))
        seats = check(catalog.parse_seats, form.get("seats", ""))
        weekdays = {n for n in range(7) if form.get(f"wd{n}")}
        if not weekdays:
            check.add("weekdays", "Отметьте хотя бы один день недели.")
        try:
            check.raise_if_any()
            batch = catalog.add_slots(user, venue, qualification, date_from, date_to, weekdays, times, seats)
        except ValidationError as ex:
            self.week(req, resp, form=form, errors=form_errors(ex))
            return
        raise self.see_other(req, f"/schedule?week={date_from.isoformat()}&notice=added"
                                  f"&created={batch.created}&skipped={batch.skipped}")


class SlotDeleteResource(CentreResource):
    section = "schedule"

    def on_post(self, req, resp, cabinet, slot_id):
        user = self.guard(req, cabinet)
        slot = catalog.get_slot(user, slot_id)
        week = slot.starts_at.date().isoformat()
        try:
            catalog.remove_slot(user, slot)
        except ValidationError as ex:
            req.params["week"] = week
            ScheduleResource(self.services).week(req, resp, errors={f"slot_{slot_id}": ex.message},
                                                 status=falcon.HTTP_409)
            return
        raise self.see_other(req, f"/schedule?week={week}&notice=removed")
