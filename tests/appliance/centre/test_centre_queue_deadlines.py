"""«Заявления»: the 10-day term to decide on the documents (Постановление № 1204 п. 9) in the queue."""
import datetime as dt
import html

from core.models import Application
from core.workflow import Status
from federation.deadlines import appliance_settings
from federation.testing_reference import enrol

URL = "/cabinet/cok/applications"


def row_of(page, name: str) -> str:
    return page.text.split(name, 1)[1].split("</tr>", 1)[0]


def test_overdue_review_is_red_and_a_fresh_one_is_not(world, signed_in, services):
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    world.application("Давний Иван Петрович", submitted_at=now - dt.timedelta(days=15))
    world.application("Свежий Пётр Иванович", submitted_at=now - dt.timedelta(hours=1))
    world.application("Оплативший Олег Олегович", status=Status.AWAITING_PAYMENT,
                      submitted_at=now - dt.timedelta(days=30))
    page = signed_in("operator@cok.ru").get(URL)
    assert page.status_code == 200
    late = row_of(page, "Давний Иван Петрович")
    assert 'class="deadline overdue"' in late
    assert "просрочено на 5 дн." in html.unescape(late) and "Решение по документам — до" in html.unescape(late)
    fresh = html.unescape(row_of(page, "Свежий Пётр Иванович"))
    due = (dt.date.today() + dt.timedelta(days=10))
    assert "Решение по документам — до" in fresh and "overdue" not in fresh and f"{due.year} г." in fresh
    assert "Решение по документам" not in row_of(page, "Оплативший Олег Олегович")


def test_the_spks_term_replaces_the_default(world, signed_in, services):
    link = enrol()
    link.settings = '{"days_documents": 20}'
    link.save()
    assert appliance_settings(services)["days_documents"] == 20
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    world.application("Давний Иван Петрович", submitted_at=now - dt.timedelta(days=15))
    row = row_of(signed_in("operator@cok.ru").get(URL), "Давний Иван Петрович")
    assert "Решение по документам — до" in html.unescape(row) and "overdue" not in row
    assert Application.select().count() == 1
