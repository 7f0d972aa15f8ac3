"""What leaves the group page on paper: the order PDF and the candidates' access-code slips."""
from __future__ import annotations

from urllib.parse import quote

import falcon

from appliance.web.exam_groups.common import GroupsResource
from core import audit
from core.models import Admission
from core.services import exam_groups


class OrderPdfResource(GroupsResource):
    """«Скачать»: the order as generated or signed last."""

    def on_get(self, req, resp, cabinet, group_id):
        user, cab, group = self.group(req, cabinet, group_id)
        pdf = exam_groups.order_pdf(user, group, self.services.blobs)
        name = f"Приказ № {group.order_number} от {group.order_date:%d.%m.%Y}.pdf"
        resp.content_type = "application/pdf"
        resp.set_header("Content-Disposition", f"attachment; filename=\"order-{group.id}.pdf\"; "
                                               f"filename*=UTF-8''{quote(name)}")
        resp.data = pdf


class SlipsResource(GroupsResource):
    """Printable slips, one per admitted candidate with a code: ФИО, qualification, when, where, code.

    A page of its own (no menu) so that printing it prints only the slips.
    """

    def on_get(self, req, resp, cabinet, group_id):
        user, cab, group = self.group(req, cabinet, group_id)
        slips = [m for m in exam_groups.members_of(group) if m.admission == Admission.ADMITTED and m.access_code]
        audit.record("view", "access_code_slips", group.id, {"count": len(slips)})
        self.render(req, resp, "exam_groups/slips.html", title=f"Коды доступа: {group.starts_at:%d.%m.%Y %H:%M}",
                    group=group, slips=slips, back_url=self.group_url(cab, group))
