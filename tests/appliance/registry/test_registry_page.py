"""«Связь с СПК» in the ЦОК and venue cabinets: the link, the terms, the outbox and «Повторить сейчас»."""
import datetime as dt
import html
import re

from core.models import Role
from core.models.organisations import _now
from core.workflow import Status
from federation.models import OutboxItem, OutboxState, RegistryLink

URL = "/cabinet/cok/registry"


def text_of(page) -> str:
    return html.unescape(page.text)


def outbox_titles(page) -> list[str]:
    table = page.text.split('data-testid="outbox"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<span data-testid="outbox-title">([^<]+)</span>', table)


def item(title, state=OutboxState.PENDING, **fields) -> OutboxItem:
    return OutboxItem.create(kind="exam_result", source=f"spk_submission:{title}", title=title, state=state, **fields)


def test_not_enrolled_appliance_says_how_to_enrol(bare, signed_in):
    for user, url in ((bare.admin, URL), (bare.venue_admin, "/cabinet/venue/registry")):
        page = signed_in(user).get(url)
        assert page.status_code == 200, page.text[:500]
        body = text_of(page)
        assert 'data-testid="not-enrolled"' in page.text and "Устройство не подключено к реестру СПК" in body
        assert "nok federation enroll --registry-url <адрес реестра СПК> --code <код подключения>" in body
        assert "действуют сроки Постановления Правительства № 1204" in body
        assert "Передача результатов в СПК, дней после экзамена</dt><dd>7" in body
        assert "Очередь пуста." in body and "Повторить сейчас" not in body


def test_enrolled_appliance_shows_the_link_and_the_outbox(ref, signed_in):
    link = RegistryLink.get_by_id(ref.link.id)
    link.last_contact_at = _now() - dt.timedelta(minutes=3)
    link.last_error = "Реестр не ответил за 10 с"
    link.snapshot_version, link.snapshot_applied_at = 18, _now()
    link.settings = '{"days_to_spk": 5}'
    link.save()
    item("Результат: Иванов П. С.", attempts=3, next_attempt_at=_now() + dt.timedelta(minutes=5),
         last_error="Нет связи с реестром")
    item("Результат: Белова А. С.", state=OutboxState.DONE, attempts=1, done_at=_now())
    item("Результат: Орлова В. П.", state=OutboxState.REFUSED, attempts=1, last_error="Подпись не сходится")
    page = signed_in(ref.admin).get(URL)
    assert page.status_code == 200
    body = text_of(page)
    assert 'data-testid="enrolled"' in page.text and "https://registry.spk-ot.ru" in body
    assert link.appliance_id in body and "tcp://registry.spk-ot.ru:7701" in body
    assert "Реестр не ответил за 10 с" in body and "версия 18, применена" in body
    assert "Передача результатов в СПК, дней после экзамена</dt><dd>5" in body
    assert outbox_titles(page) == ["Результат: Орлова В. П.", "Результат: Белова А. С.", "Результат: Иванов П. С."]
    rows = page.text.split('data-testid="outbox"', 1)[1]
    assert "Ожидает отправки" in rows and "Принят реестром" in rows and "Отклонён реестром" in rows
    assert "Нет связи с реестром" in rows and "Подпись не сходится" in rows
    assert "Повторить сейчас" in body and "nok federation enroll" not in body
    refused = signed_in(ref.admin).get(URL, params={"state": OutboxState.REFUSED})
    assert outbox_titles(refused) == ["Результат: Орлова В. П."]


def test_outbox_pages_in_the_database(ref, signed_in):
    for number in range(30):
        item(f"Видеозапись № {number:02d}", state=OutboxState.DONE)
    web = signed_in(ref.admin)
    first, second = web.get(URL), web.get(URL, params={"page": "2"})
    assert len(outbox_titles(first)) == 25 and len(outbox_titles(second)) == 5
    assert outbox_titles(first)[0] == "Видеозапись № 29" and outbox_titles(second)[-1] == "Видеозапись № 00"
    assert "Найдено: 30" in first.text


def test_retry_now_brings_waiting_items_forward(ref, signed_in, factory):
    later = _now() + dt.timedelta(minutes=10)
    waiting = item("Результат: Иванов П. С.", attempts=4, next_attempt_at=later)
    done = item("Результат: Белова А. С.", state=OutboxState.DONE, next_attempt_at=later)
    operator = factory.user(organisation=ref.cok, role=Role.OPERATOR)
    web = signed_in(operator)
    web.get(URL)
    answer = web.post(f"{URL}/retry", {})
    assert answer.status_code == 303 and answer.headers["location"].endswith(f"{URL}?notice=retry")
    assert OutboxItem.get_by_id(waiting.id).next_attempt_at <= _now()
    assert OutboxItem.get_by_id(waiting.id).attempts == 4
    assert OutboxItem.get_by_id(done.id).next_attempt_at == later
    assert "будут отправлены при следующем обращении" in text_of(web.get(answer.headers["location"]))


def test_retry_with_an_empty_queue_says_so(ref, signed_in):
    web = signed_in(ref.admin)
    web.get(URL)
    answer = web.post(f"{URL}/retry", {})
    assert answer.headers["location"].endswith("?notice=nothing")


def test_only_centre_and_venue_staff(ref, signed_in):
    applicant = ref.application("Иванов Пётр Сергеевич", Status.SUBMITTED).applicant
    assert signed_in(applicant).get(URL).status_code == 403
    assert signed_in(ref.chair).get(URL).status_code == 403
    web = signed_in(applicant)
    web.get("/cabinet/applicant/")
    assert web.post(f"{URL}/retry", {}).status_code == 403
