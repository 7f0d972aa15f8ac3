"""«Связь с СПК»: is the appliance enrolled, when did it last reach the registry, what waits to be sent.

The page answers the questions a ЦОК asks when the СПК says «мы не получили результаты»: the
registry's address, the appliance id, the last contact and error, the reference version in
force, and the outbox item by item («Ожидает отправки» / «Принят реестром» / «Отклонён
реестром», attempts, next attempt, error). «Повторить сейчас» brings the next attempt of every
waiting item forward to now; the federation worker picks them up on its next pass.
"""
from __future__ import annotations

import falcon

from appliance.web.centre.common import CentreResource, page_links
from core import audit
from core.db import write_transaction
from core.models.organisations import _now
from core.services.results import to_local
from core.web.forms import read_form
from federation import protocol
from federation.deadlines import appliance_settings
from federation.models import OutboxItem, OutboxState
from federation.reference_apply import registry_link

PAGE_SIZE = 25
KIND_TITLES = {protocol.KIND_EXAM_RESULT: "Результат экзамена", protocol.KIND_VIDEO_PART: "Видеозапись экзамена",
               protocol.KIND_EXAM_SCHEDULE: "Расписание экзаменов (план-график)",
               protocol.KIND_REFERENCE_REQUEST: "Запрос справочников СПК"}
SETTING_TITLES = (("days_documents", "Рассмотрение документов, дней с подачи заявления"),
                  ("days_to_spk", "Передача результатов в СПК, дней после экзамена"),
                  ("days_spk_decision", "Решение СПК, дней после экзамена"),
                  ("days_issue", "Выдача свидетельства или заключения, дней после экзамена"),
                  ("days_duplicate", "Выдача дубликата, дней с запроса"),
                  ("failed_retention_years", "Хранение материалов несданного экзамена, лет"))
NOTICES = {"retry": "Ожидающие отправки пакеты будут отправлены при следующем обращении к реестру (в течение "
                    "нескольких секунд).",
           "nothing": "Нет пакетов, ожидающих отправки."}
ENROL_COMMAND = "nok federation enroll --registry-url {url} --code {code}"


class _RegistryResource(CentreResource):
    section = "registry"

    def __init__(self, services, cabinet: str):
        super().__init__(services)
        self.cabinet = cabinet

    def url(self, suffix: str = "") -> str:
        return f"/cabinet/{self.cabinet}/registry{suffix}"


class RegistryPageResource(_RegistryResource):
    def on_get(self, req, resp):
        user = self.guard(req, self.cabinet)
        state = req.get_param("state") if req.get_param("state") in OutboxState.TITLES else ""
        page = req.get_param_as_int("page", default=1, min_value=1, max_value=100_000)
        query = OutboxItem.select()
        if state:
            query = query.where(OutboxItem.state == state)
        total = query.count()
        rows = list(query.order_by(OutboxItem.id.desc()).paginate(page, PAGE_SIZE))
        counts = {s: OutboxItem.select().where(OutboxItem.state == s).count() for s in OutboxState.TITLES}
        audit.record("view", "registry_link", user.organisation_id, {"page": page, "state": state})
        self.page(req, resp, "registry/registry.html", title="Связь с СПК", link=registry_link(), rows=rows,
                  total=total, counts=counts, state=state, states=OutboxState.TITLES, kinds=KIND_TITLES,
                  links=page_links(page, total, PAGE_SIZE, {"state": state}), registry_url=self.url(),
                  settings=appliance_settings(self.services), setting_titles=SETTING_TITLES, local=to_local,
                  enrol_command=ENROL_COMMAND.format(url="<адрес реестра СПК>", code="<код подключения>"),
                  pending=OutboxState.PENDING, now=_now(), notice=NOTICES.get(req.get_param("notice") or ""))


class RetryResource(_RegistryResource):
    """POST «Повторить сейчас»: every waiting item becomes due now (Администратор and Оператор)."""

    def on_post(self, req, resp):
        user = self.guard(req, self.cabinet)
        read_form(req)
        now = _now()
        with write_transaction(self.services.db):
            waiting = list(OutboxItem.select().where((OutboxItem.state == OutboxState.PENDING)
                                                     & (OutboxItem.next_attempt_at > now)))
            for item in waiting:
                item.next_attempt_at = now
                item.save()
            audit.record("retry", "federation_outbox", None, {"items": [item.id for item in waiting][:200],
                                                              "by_organisation": user.organisation_id})
        pending = OutboxItem.select().where(OutboxItem.state == OutboxState.PENDING).exists()
        raise falcon.HTTPSeeOther(self.url("?notice=" + ("retry" if pending else "nothing")))
