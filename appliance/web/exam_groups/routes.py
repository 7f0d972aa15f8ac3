"""URLs of «Теория» and «Практика»: the same pages for theory and for practice groups."""
from __future__ import annotations

import falcon

from appliance.web.exam_groups.assign import ApplicationGroupsResource, AssignResource
from appliance.web.exam_groups.detail import GroupActionResource, GroupPageResource, MemberActionResource
from appliance.web.exam_groups.documents import OrderPdfResource, SlipsResource
from appliance.web.exam_groups.listing import GroupEditResource, GroupListResource, GroupNewResource
from core.context import Services
from core.models.exams import GROUP_KIND_TITLES


def add_routes(app: falcon.App, services: Services) -> None:
    for kind in GROUP_KIND_TITLES:
        base = f"/cabinet/{{cabinet}}/{kind}"
        group = f"{base}/{{group_id:int}}"
        app.add_route(base, GroupListResource(services, kind))
        app.add_route(f"{base}/new", GroupNewResource(services, kind))
        app.add_route(f"{base}/for-application/{{application_id:int}}", ApplicationGroupsResource(services, kind))
        app.add_route(group, GroupPageResource(services, kind))
        app.add_route(f"{group}/edit", GroupEditResource(services, kind))
        app.add_route(f"{group}/assign", AssignResource(services, kind))
        app.add_route(f"{group}/order", GroupActionResource(services, kind, "order"))
        app.add_route(f"{group}/order/sign", GroupActionResource(services, kind, "sign"))
        app.add_route(f"{group}/order.pdf", OrderPdfResource(services, kind))
        app.add_route(f"{group}/start", GroupActionResource(services, kind, "start"))
        app.add_route(f"{group}/slips", SlipsResource(services, kind))
        app.add_route(f"{group}/members/{{member_id:int}}/{{action}}", MemberActionResource(services, kind))
