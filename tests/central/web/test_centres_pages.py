"""«ЦОК и площадки» through HTTP: the register, requisites checks, enrolment codes, revocation, refusals."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from central.models import Appliance, ApplianceStatus, EnrolmentCode, ReferenceRevision, RefusedBundle
from central.revisions import current_version
from core.models import Organisation, OrgKind, Role
from core.models.organisations import _now
from core.testing import count_queries
from federation import protocol
from federation.keys import generate_appliance_keys

BASE = "/cabinet/spk/centres"
COK_FORM = {"kind": "cok", "full_name": "АНО «Центр оценки квалификаций «Север»", "short_name": "ЦОК «Север»",
            "inn": "7707083893", "kpp": "770701001", "ogrn": "1027700132195", "registry_number": "77.015",
            "legal_address": "г. Москва, ул. Полярная, д. 1", "head_name": "Зайцев Пётр Ильич"}


def _appliance(org, appliance_id, **fields):
    info = generate_appliance_keys().public_info()
    return Appliance.create(appliance_id=appliance_id, organisation=org, title=f"Комплекс {appliance_id}",
                            signing_public_key=info["signing_public_key"], hpke_public_key=info["hpke_public_key"],
                            curve_public_key=info["curve_public_key"], **fields)


@pytest.fixture
def other_spk(spk_world):
    factory = spk_world.factory
    spk = factory.org(OrgKind.SPK, full_name="СПК в области строительства", short_name="СПК Строй", inn="7728168971")
    cok = factory.org(OrgKind.COK, parent=spk, full_name="ООО «ЦОК Стройка»", short_name="ЦОК «Стройка»",
                      inn="7736050003", registry_number="50.001")
    return spk, cok, _appliance(cok, "stroy-1")


@pytest.fixture
def admin(spk_world, central_signed_in):
    return central_signed_in(spk_world.admin)


def test_list_shows_coks_venues_and_appliances_with_silent_ones_marked(spk_world, admin):
    spk_world.appliance.last_contact_at = _now() - dt.timedelta(hours=2)
    spk_world.appliance.last_serial = 41
    spk_world.appliance.save()
    fresh = _appliance(spk_world.venue, "sever-1", last_contact_at=_now())
    page = admin.get(BASE)
    assert page.status_code == 200
    text = page.text
    assert "ЦОК и площадки" in text and "ЦОК «Профи»" in text and "ЦОК «Юг»" in text
    assert "Площадка «Север»" in text and "Комплекс ЦОК «Профи»" in text and fresh.title in text
    assert "№ 41" in text and "Журнал отказов" in text
    rows = re.findall(r"<tr( class=\"appliance-offline\")?>\s*<td>(Комплекс[^<]*)</td>", text)
    assert ("", fresh.title) in [(m[0].strip(), m[1]) for m in rows]
    assert (' class="appliance-offline"', "Комплекс ЦОК «Профи»") in rows
    assert text.count("нет связи более часа") == 1


def test_search_finds_a_cok_by_its_venue_and_by_inn(spk_world, admin):
    by_venue = admin.get(BASE + "?q=Север")
    assert "ЦОК «Профи»" in by_venue.text and "ЦОК «Юг»" not in by_venue.text
    by_inn = admin.get(BASE + "?q=6164046076")
    assert "ЦОК «Юг»" in by_inn.text and "ЦОК «Профи»" not in by_inn.text
    assert "Ничего не найдено." in admin.get(BASE + "?q=нетакого").text


def test_list_page_takes_the_same_number_of_queries_for_more_coks(spk_world, admin, central_services):
    def queries() -> int:
        with count_queries(central_services.db) as seen:
            assert admin.get(BASE).status_code == 200
        return len(seen)

    before = queries()
    assert before > 3  # the counter sees the page's queries
    for n in range(4):
        cok = spk_world.factory.org(OrgKind.COK, parent=spk_world.spk, registry_number=f"77.10{n}")
        venue = spk_world.factory.org(OrgKind.VENUE, parent=cok)
        _appliance(cok, f"extra-cok-{n}")
        _appliance(venue, f"extra-venue-{n}")
    assert queries() == before


def test_adding_a_cok_checks_the_inn_checksum_and_keeps_the_input(spk_world, admin):
    admin.get(BASE + "/new?kind=cok")
    version = current_version()
    page = admin.post(BASE + "/new", {**COK_FORM, "inn": "7707083894"})
    assert page.status_code == 422
    assert "Неверная контрольная сумма ИНН" in page.text and "ЦОК «Север»" in page.text
    assert not Organisation.select().where(Organisation.short_name == "ЦОК «Север»").exists()
    assert current_version() == version
    page = admin.post(BASE + "/new", {**COK_FORM, "ogrn": "1027700132196", "registry_number": "", "head_name": ""})
    assert page.status_code == 422
    assert "Неверная контрольная сумма ОГРН" in page.text
    assert "Регистрационный номер ЦОК в реестре: значение не указано." in page.text
    assert "ФИО руководителя: значение не указано." in page.text
    done = admin.post(BASE + "/new", COK_FORM)
    assert done.status_code == 303
    cok = Organisation.get(Organisation.short_name == "ЦОК «Север»")
    assert cok.kind == "cok" and cok.parent_id == spk_world.spk.id and cok.inn == "7707083893"
    assert done.headers["location"].endswith(f"{BASE}/{cok.id}?notice=created")
    assert current_version() > version
    assert "ЦОК «Север»" in admin.get(BASE).text


def test_a_second_cok_with_the_same_inn_is_refused(spk_world, admin):
    admin.get(BASE + "/new?kind=cok")
    page = admin.post(BASE + "/new", {**COK_FORM, "inn": spk_world.coks[1].inn, "kpp": "616401001"})
    assert page.status_code == 422 and "ЦОК с таким ИНН уже есть в реестре СПК." in page.text


def test_a_venue_belongs_to_one_of_our_coks_only(spk_world, admin, other_spk):
    _spk, foreign_cok, _ = other_spk
    form = {"kind": "venue", "full_name": "Площадка «Восток»", "short_name": "Площадка «Восток»",
            "legal_address": "г. Москва, ул. Восточная, д. 2"}
    admin.get(BASE + f"/new?kind=venue&parent={spk_world.coks[1].id}")
    page = admin.post(BASE + "/new", {**form, "parent": str(foreign_cok.id)})
    assert page.status_code == 422 and "Выберите ЦОК, к которому относится площадка." in page.text
    assert admin.post(BASE + "/new", {**form, "parent": str(spk_world.coks[1].id)}).status_code == 303
    venue = Organisation.get(Organisation.short_name == "Площадка «Восток»")
    assert venue.kind == "venue" and venue.parent_id == spk_world.coks[1].id and venue.inn is None


def test_editing_a_cok_saves_and_audits(spk_world, admin):
    cok = spk_world.coks[1]
    page = admin.get(f"{BASE}/{cok.id}")
    assert page.status_code == 200 and "Белова Ирина Олеговна" in page.text and "Выдать код подключения" in page.text
    form = {"full_name": cok.full_name, "short_name": "ЦОК «Юг-2»", "inn": cok.inn, "kpp": "616401001",
            "registry_number": "61.002", "legal_address": cok.legal_address, "head_name": "Белова Ирина Олеговна",
            "is_active": "on"}
    assert admin.post(f"{BASE}/{cok.id}", {**form, "kpp": "12"}).status_code == 422
    assert admin.post(f"{BASE}/{cok.id}", form).status_code == 303
    assert Organisation.get_by_id(cok.id).short_name == "ЦОК «Юг-2»"
    assert ReferenceRevision.select().where(ReferenceRevision.what.contains("ЦОК «Юг-2»")).exists()


def test_another_spk_cok_and_appliance_are_not_found(spk_world, admin, other_spk):
    _spk, foreign_cok, foreign_appliance = other_spk
    assert admin.get(f"{BASE}/{foreign_cok.id}").status_code == 404
    admin.get(BASE)
    assert admin.post(f"{BASE}/{foreign_cok.id}", {"short_name": "x"}).status_code == 404
    assert admin.post(f"{BASE}/{foreign_cok.id}/code", {"title": "Чужой"}).status_code == 404
    assert admin.post(f"{BASE}/appliances/{foreign_appliance.id}/revoke", {"reason": "чужой"}).status_code == 404
    assert Appliance.get_by_id(foreign_appliance.id).status == ApplianceStatus.ACTIVE
    assert "ЦОК «Стройка»" not in admin.get(BASE).text
    assert admin.get(f"{BASE}/{spk_world.spk.id}").status_code == 404  # the СПК itself is no centre


def test_enrolment_code_is_shown_once_and_only_its_hash_is_stored(spk_world, admin, central_config):
    venue = spk_world.venue
    admin.get(f"{BASE}/{venue.id}")
    assert admin.post(f"{BASE}/{venue.id}/code", {"title": ""}).status_code == 422
    page = admin.post(f"{BASE}/{venue.id}/code", {"title": "Комплекс площадки «Север»"})
    assert page.status_code == 200
    code = re.search(r'data-testid="enrolment-code"><code>([A-Z0-9-]+)</code>', page.text).group(1)
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}", code)
    assert f"nok federation enroll --registry-url {central_config.base_url} --code {code}" in page.text
    assert "http://registry.test" in page.text and "Код действует до" in page.text
    row = EnrolmentCode.get(EnrolmentCode.organisation == venue)
    assert row.code_hash == protocol.code_hash(code) and code not in row.code_hash
    assert row.title == "Комплекс площадки «Север»" and row.created_by_id == spk_world.admin.id
    assert row.expires_at - _now() > dt.timedelta(hours=23)
    again = admin.get(f"{BASE}/{venue.id}")
    assert code not in again.text and "Комплекс площадки «Север» — действует до" in again.text


def test_revoking_an_appliance_needs_a_reason(spk_world, admin):
    appliance = spk_world.appliance
    admin.get(f"{BASE}/{spk_world.coks[0].id}")
    page = admin.post(f"{BASE}/appliances/{appliance.id}/revoke", {"reason": "  "})
    assert page.status_code == 422 and "Причина отзыва: значение не указано." in page.text
    assert Appliance.get_by_id(appliance.id).status == ApplianceStatus.ACTIVE
    done = admin.post(f"{BASE}/appliances/{appliance.id}/revoke", {"reason": "Комплекс списан"})
    assert done.status_code == 303
    revoked = Appliance.get_by_id(appliance.id)
    assert revoked.status == ApplianceStatus.REVOKED and revoked.revoked_reason == "Комплекс списан"
    page = admin.get(f"{BASE}/{spk_world.coks[0].id}?notice=revoked")
    assert "Комплекс отозван" in page.text and "Отозван" in page.text and "Комплекс списан" in page.text


def test_refusal_log_lists_only_our_appliances_newest_first_and_paginates(spk_world, admin, other_spk):
    _spk, _cok, foreign = other_spk
    start = _now() - dt.timedelta(hours=3)
    for n in range(51):
        RefusedBundle.create(appliance=spk_world.appliance, serial=n, kind="exam_result", size=2048 + n,
                             sha256="a" * 64, reason=f"Отказ № {n}: подпись не сходится",
                             received_at=start + dt.timedelta(minutes=n))
    RefusedBundle.create(appliance=foreign, serial=1, kind="exam_result", size=10, sha256="b" * 64,
                         reason="Чужой отказ")
    first = admin.get(BASE + "/refused")
    assert first.status_code == 200
    assert "Журнал отказов" in first.text and "Отказ № 50: подпись не сходится" in first.text
    assert "Чужой отказ" not in first.text and "2,0 КБ" in first.text and "Всего: 51" in first.text
    assert first.text.index("Отказ № 50") < first.text.index("Отказ № 49")
    assert "Отказ № 0:" not in first.text and 'href="?page=2"' in first.text
    second = admin.get(BASE + "/refused?page=2")
    assert "Отказ № 0: подпись не сходится" in second.text and "Отказ № 50" not in second.text


def test_operator_may_work_here_but_a_cok_user_may_not(spk_world, central_signed_in):
    operator = central_signed_in(spk_world.operator)
    assert operator.get(BASE).status_code == 200
    cok_user = spk_world.factory.user(Role.ADMIN, spk_world.coks[0], email="staff@cok.test")
    other = central_signed_in(cok_user)
    assert other.get(BASE).status_code == 403
    assert other.get(BASE + "/refused").status_code == 403
