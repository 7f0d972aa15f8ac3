"""The group page (seed 002 «детальная страница группы») and the buttons on it.

Members with payment and admission status, «Допустить» / «Не допустить», «Исключить», the
Приказ о проведении НОК (number and date, «Скачать», «Подписать факсимиле») and «Начать
экзамен». A refused action re-shows the page with the Russian reason next to its form and
what was typed kept.
"""
from __future__ import annotations

from typing import Callable

import falcon

from appliance.web.exam_groups.common import GroupsResource
from appliance.web.exam_groups.sheet import group_attempts, group_results
from core.web.forms import read_form
from core import audit
from core.exceptions import ValidationError
from core.models import Admission, ExamGroup, GroupVideo
from core.services import exam_groups
from core.workflow import Status

NOTICES = {
    "created": "Группа создана. Включите в неё соискателей: «Добавить соискателей».",
    "updated": "Изменения сохранены.",
    "assigned": "Соискатель включён в группу.",
    "admit": "Соискатель допущен к экзамену.",
    "refuse": "Соискатель не допущен к экзамену; причина отправлена ему письмом.",
    "remove": "Соискатель исключён из группы.",
    "code": "Выдан новый код доступа; прежний код больше не действует.",
    "order": "Приказ сформирован. Подпишите его факсимиле перед началом экзамена.",
    "sign": "Приказ подписан факсимиле.",
    "start": "Экзамен начат: коды доступа выданы допущенным соискателям.",
}


def status_title(value: str) -> str:
    return Status(value).title


class GroupPageResource(GroupsResource):
    """GET the group page; subclasses run one button and come back to it."""

    def show(self, req, resp, user, group: ExamGroup, *, status=falcon.HTTP_200, error=None, field=None,
             member_id=None, form=None):
        stage_attempts = group_attempts(group, self.services.plugins)  # first: finishing moves the status
        members = exam_groups.members_of(group)
        admitted = [m for m in members if m.admission == Admission.ADMITTED]
        self.render(req, resp, "exam_groups/group.html", status=status,
                    title=f"{self.heading}: {group.starts_at:%d.%m.%Y %H:%M}", group=group,
                    commission=exam_groups.commission_of(group), members=members,
                    payments=exam_groups.payment_states(m.application for m in members),
                    payment_titles=exam_groups.PaymentState.TITLES, cleared=exam_groups.PaymentState.CLEARED,
                    admission=Admission, status_title=status_title, admitted=admitted,
                    can_start=group.started_at is None and group.order_signed_at is not None and bool(admitted),
                    notice=NOTICES.get(req.get_param("notice") or ""), error=error, error_field=field,
                    error_member=member_id, form=form or {}, attempts=stage_attempts,
                    theory_results=group_results(group, members, stage_attempts),
                    videos=list(group.videos.order_by(GroupVideo.uploaded_at)))

    def on_get(self, req, resp, cabinet, group_id):
        user, cab, group = self.group(req, cabinet, group_id)
        audit.record("view", "exam_group", group.id)  # members' names and phones: a personal-data view
        self.show(req, resp, user, group)

    def attempt(self, req, resp, cab, user, group, action: Callable[[dict], object], notice: str,
                member_id: int | None = None) -> None:
        """Run `action(form)`; on success back to the page with `notice`, else the page with the error."""
        form = read_form(req)
        try:
            action(form)
        except ValidationError as ex:
            self.show(req, resp, user, exam_groups.get_group(user, self.kind, group.id), status=falcon.HTTP_422,
                      error=str(ex), field=ex.field, member_id=member_id, form=form)
            return
        anchor = f"#member-{member_id}" if member_id and notice != "remove" else ""
        raise falcon.HTTPSeeOther(f"{self.group_url(cab, group)}?notice={notice}{anchor}")


def _member_actions(services, user, member) -> dict[str, Callable[[dict], object]]:
    plugins = services.plugins
    return {
        "admit": lambda form: exam_groups.admit(user, member, plugins,
                                                identity_confirmed=form.get("identity_confirmed") == "yes"),
        "refuse": lambda form: exam_groups.refuse(user, member, plugins, form.get("reason", "")),
        "remove": lambda form: exam_groups.remove_member(user, member, plugins),
        "code": lambda form: exam_groups.regenerate_code(user, member),
    }


class MemberActionResource(GroupPageResource):
    """POST …/members/{member_id}/{admit|refuse|remove|code}."""

    def on_post(self, req, resp, cabinet, group_id, member_id, action):
        user, cab, group = self.group(req, cabinet, group_id)
        member = exam_groups.get_member(group, member_id)
        run = _member_actions(self.services, user, member).get(action)
        if run is None:
            raise falcon.HTTPNotFound()
        self.attempt(req, resp, cab, user, group, run, action, member_id=member.id)


class GroupActionResource(GroupPageResource):
    """POST …/order (number and date), …/order/sign, …/start."""

    def __init__(self, services, kind: str, action: str):
        super().__init__(services, kind)
        self.action = action

    def on_post(self, req, resp, cabinet, group_id):
        user, cab, group = self.group(req, cabinet, group_id)
        blobs = self.services.blobs
        run = {
            "order": lambda form: exam_groups.generate_order(user, group, form.get("order_number", ""),
                                                             form.get("order_date", ""), blobs),
            "sign": lambda form: exam_groups.sign_order(user, group, blobs),
            "start": lambda form: exam_groups.start_exam(user, group),
        }[self.action]
        self.attempt(req, resp, cab, user, group, run, self.action)
