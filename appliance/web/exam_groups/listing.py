"""The groups list with its filters, and the form that creates or edits a group.

The commission can only be chosen among experts certified for the qualification on the
exam date, so the form offers them once both are known: «Подобрать экспертов» re-reads
the form without saving (no script needed), and saving re-checks everything.
"""
from __future__ import annotations

import datetime as dt
import math
from urllib.parse import urlencode

import falcon

from appliance.web.exam_groups.common import GroupsResource, form_values, group_form
from core.web.forms import read_form
from core.exceptions import ValidationError
from core.services import exam_groups

def _filters(req) -> tuple[exam_groups.GroupFilter, dict[str, str]]:
    flt = exam_groups.GroupFilter(qualification=req.get_param_as_int("qualification", min_value=1),
                                  venue=req.get_param_as_int("venue", min_value=1),
                                  date_from=req.get_param_as_date("date_from"),
                                  date_to=req.get_param_as_date("date_to"))
    shown = {name: str(value) for name, value in vars(flt).items() if value}
    return flt, shown


class GroupListResource(GroupsResource):
    def on_get(self, req, resp, cabinet):
        user, cab = self.guard(req, cabinet)
        flt, shown = _filters(req)
        page = req.get_param_as_int("page", default=1, min_value=1)
        groups, total = exam_groups.list_groups(user, self.kind, flt, page)
        self.render(req, resp, "exam_groups/list.html", title=self.heading, groups=groups, total=total, page=page,
                    pages=max(1, math.ceil(total / exam_groups.PAGE_SIZE)), filters=shown,
                    filter_query=urlencode(shown), venues=exam_groups.venue_choices(user),
                    qualifications=exam_groups.qualification_choices(user))


def _form_of(group) -> dict[str, str]:
    return {"date": group.starts_at.date().isoformat(), "time": f"{group.starts_at:%H:%M}",
            "duration_minutes": str(group.duration_minutes), "venue": str(group.venue_id),
            "seats": str(group.seats), "qualification": str(group.qualification_id)}


class _GroupFormResource(GroupsResource):
    def _page(self, req, resp, user, *, group=None, form, experts=(), chair=(), error=None, field=None,
              status=falcon.HTTP_200):
        qualifications = exam_groups.qualification_choices(user)
        chosen = next((q for q in qualifications if str(q.id) == form.get("qualification")), None)
        try:
            day = dt.date.fromisoformat(form.get("date", ""))
        except ValueError:
            day = None
        self.render(req, resp, "exam_groups/form.html", status=status, group=group, form=form,
                    title=f"Группа {group.starts_at:%d.%m.%Y %H:%M}" if group else "Новая экзаменационная группа",
                    venues=exam_groups.venue_choices(user), qualifications=qualifications,
                    experts=exam_groups.expert_choices(chosen, day), chosen_experts=set(experts),
                    chosen_chair=set(chair), error=error, error_field=field)

    def _submit(self, req, resp, user, save, group=None):
        """Save, or re-show the form (with experts for the chosen qualification and date, or an error)."""
        form = read_form(req)
        experts, chair = form_values(req, "expert"), form_values(req, "chair")
        if form.get("action") == "refresh":
            self._page(req, resp, user, group=group, form=form, experts=experts, chair=chair)
            return None
        try:
            return save(group_form(req, form))
        except ValidationError as ex:
            self._page(req, resp, user, group=group, form=form, experts=experts, chair=chair, error=str(ex),
                       field=ex.field, status=falcon.HTTP_422)
            return None


class GroupNewResource(_GroupFormResource):
    def on_get(self, req, resp, cabinet):
        user, cab = self.guard(req, cabinet)
        self._page(req, resp, user, form={"duration_minutes": "120", "time": "10:00"})

    def on_post(self, req, resp, cabinet):
        user, cab = self.guard(req, cabinet)
        group = self._submit(req, resp, user, lambda form: exam_groups.create_group(user, self.kind, form))
        if group is not None:
            raise falcon.HTTPSeeOther(f"{self.group_url(cab, group)}?notice=created")


class GroupEditResource(_GroupFormResource):
    def on_get(self, req, resp, cabinet, group_id):
        user, cab, group = self.group(req, cabinet, group_id)
        commission = exam_groups.commission_of(group)
        self._page(req, resp, user, group=group, form=_form_of(group),
                   experts=[str(m.expert_id) for m in commission],
                   chair=[str(m.expert_id) for m in commission if m.is_chair])

    def on_post(self, req, resp, cabinet, group_id):
        user, cab, group = self.group(req, cabinet, group_id)
        saved = self._submit(req, resp, user, lambda form: exam_groups.update_group(user, group, form), group)
        if saved is not None:
            raise falcon.HTTPSeeOther(f"{self.group_url(cab, group)}?notice=updated")
