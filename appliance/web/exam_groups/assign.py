"""Putting paid applications into a group, from either side.

`…/{group}/assign` lists the applications that fit the group (same ЦОК, venue and
qualification, paid, waiting for a date; those who chose the group's date first);
`…/for-application/{id}` lists the groups one application fits, for «Группа» → «Изменить»
in the applications queue. Both post to `…/{group}/assign`.
"""
from __future__ import annotations

import math

import falcon

from appliance.web.exam_groups.common import GroupsResource
from core.web.forms import read_form
from core import audit
from core.exceptions import ValidationError
from core.services import exam_groups
from core.services.access import get_application


class AssignResource(GroupsResource):
    def _page(self, req, resp, user, group, *, status=falcon.HTTP_200, error=None, name=None):
        name = req.get_param("name", default="") if name is None else name
        page = req.get_param_as_int("page", default=1, min_value=1)
        applications, total = exam_groups.eligible_applications(user, group, page, name)
        taken = len(exam_groups.members_of(group))
        self.render(req, resp, "exam_groups/assign.html", status=status, title="Добавить соискателей в группу",
                    group=group, applications=applications, total=total, page=page, name=name,
                    pages=max(1, math.ceil(total / exam_groups.PAGE_SIZE)), taken=taken,
                    payments=exam_groups.payment_states(applications),
                    payment_titles=exam_groups.PaymentState.TITLES,
                    group_url=self.group_url(req.context.cabinet, group), error=error,
                    notice="Соискатель включён в группу." if req.get_param("notice") == "assigned" else None)

    def on_get(self, req, resp, cabinet, group_id):
        user, cab, group = self.group(req, cabinet, group_id)
        audit.record("view", "exam_group_candidates", group.id)
        self._page(req, resp, user, group)

    def on_post(self, req, resp, cabinet, group_id):
        user, cab, group = self.group(req, cabinet, group_id)
        form = read_form(req)
        try:
            application_id = int(form.get("application_id", ""))
        except ValueError:
            raise falcon.HTTPNotFound() from None
        application = get_application(user, application_id)
        try:
            exam_groups.assign_application(user, group, application, self.services.plugins)
        except ValidationError as ex:
            self._page(req, resp, user, group, status=falcon.HTTP_422, error=str(ex), name="")
            return
        if form.get("back") == "group":
            raise falcon.HTTPSeeOther(f"{self.group_url(cab, group)}?notice=assigned")
        raise falcon.HTTPSeeOther(f"{self.group_url(cab, group, '/assign')}?notice=assigned")


class ApplicationGroupsResource(GroupsResource):
    """The open groups one application fits, each with «Включить в группу»."""

    def on_get(self, req, resp, cabinet, application_id):
        user, cab = self.guard(req, cabinet)
        application = get_application(user, application_id)
        self.render(req, resp, "exam_groups/choose_group.html", title="Выбор экзаменационной группы",
                    application=application, groups=exam_groups.eligible_groups(user, self.kind, application))
