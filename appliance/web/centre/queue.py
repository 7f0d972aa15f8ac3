"""«Заявления»: the queue of applicants' applications and employers' group applications.

Filters (ФИО, qualification, status, dates of submission) and pages are applied in the
database (`core.services.review.search_*`): the page costs the same few queries at ten rows
or a hundred thousand. Showing names and phones is a view of personal data, so it is audited.
"""
from __future__ import annotations

from appliance.web.centre.common import CentreResource, form_errors, page_links
from core import audit
from core.exceptions import ValidationError
from core.models import OrgKind
from core.services import catalog, review
from core.services.group_applications import GroupStatus
from core.workflow import Status
from federation.deadlines import appliance_settings, documents_due

TABS = {"applicants": "Соискатели", "employers": "Работодатели"}
FILTER_FIELDS = ("name", "match", "qualification", "status", "date_from", "date_to")


def status_title(value: str, group: bool = False) -> str:
    try:
        return GroupStatus(value).title if group else Status(value).title
    except ValueError:
        return value


class ApplicationsQueueResource(CentreResource):
    section = "applications"

    def on_get(self, req, resp, cabinet):
        if self.other_cabinet(req, resp, cabinet):
            return
        user = self.guard(req, cabinet)
        tab = req.get_param("tab") if req.get_param("tab") in TABS else "applicants"
        params = {name: (req.get_param(name) or "").strip() for name in FILTER_FIELDS}
        page = req.get_param_as_int("page", default=1, min_value=1)
        group = tab == "employers"
        statuses = review.GROUP_QUEUE_STATUSES if group else review.QUEUE_STATUSES
        rows, total, errors = [], 0, {}
        try:
            flt = review.parse_queue_filter(params, [s.value for s in statuses])
        except ValidationError as ex:
            errors = form_errors(ex)
        else:
            search = review.search_group_applications if group else review.search_applications
            rows, total = search(user, flt, page)
            audit.record("view", "application_queue", user.organisation_id,
                         {"tab": tab, "page": page, **{k: v for k, v in params.items() if v}})
        settings = appliance_settings(self.services)
        deadlines = {} if group else {a.id: documents_due(a, settings) for a in rows}
        self.page(req, resp, "centre/queue.html", title="Заявления", status=self.status_of(errors), tab=tab,
                  deadlines=deadlines, tabs=TABS, rows=rows, total=total, form=params, errors=errors,
                  links=page_links(page, total, review.PAGE_SIZE, {"tab": tab, **params}),
                  statuses=[(s.value, s.title) for s in statuses], status_title=status_title,
                  qualifications=[row.qualification for row in catalog.list_offers(user.organisation)],
                  show_venue=user.organisation.kind == OrgKind.COK.value)
