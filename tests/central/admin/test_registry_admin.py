"""`central.admin`: scoping to one СПК, silent appliances, expert status, publish revisions — on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt

import pytest

from central.admin import centres, experts, qualifications, scope
from central.models import Appliance, PublishedKos, RefusedBundle
from core.exceptions import NotFoundError
from core.models import ExpertCertificate, Kos, OrgKind, ProfStandard, Qualification, Role
from core.models.organisations import _now
from federation.keys import generate_appliance_keys

TODAY = dt.date(2026, 11, 20)


def _appliance(org, appliance_id, **fields):
    info = generate_appliance_keys().public_info()
    return Appliance.create(appliance_id=appliance_id, organisation=org, title=f"Комплекс {appliance_id}",
                            signing_public_key=info["signing_public_key"], hpke_public_key=info["hpke_public_key"],
                            curve_public_key=info["curve_public_key"], **fields)


def _two_spks(factory):
    ours = factory.org(OrgKind.SPK, short_name="СПК А")
    theirs = factory.org(OrgKind.SPK, short_name="СПК Б")
    cok = factory.org(OrgKind.COK, parent=ours, short_name="ЦОК «Альфа»", inn="7736050003")
    venue = factory.org(OrgKind.VENUE, parent=cok, short_name="Площадка «Бета»")
    foreign_cok = factory.org(OrgKind.COK, parent=theirs, short_name="ЦОК «Гамма»")
    foreign_venue = factory.org(OrgKind.VENUE, parent=foreign_cok, short_name="Площадка «Дельта»")
    return ours, theirs, cok, venue, foreign_cok, foreign_venue


def test_scope_keeps_every_spk_to_its_own_centres_and_appliances(central_services, factory):
    ours, _theirs, cok, venue, foreign_cok, foreign_venue = _two_spks(factory)
    assert scope.get_centre(ours, cok.id) == cok and scope.get_centre(ours, venue.id) == venue
    assert scope.get_cok(ours, cok.id) == cok
    for org in (foreign_cok, foreign_venue, ours):
        with pytest.raises(NotFoundError):
            scope.get_centre(ours, org.id)
    with pytest.raises(NotFoundError):
        scope.get_cok(ours, venue.id)
    mine = _appliance(venue, "venue-1")
    foreign = _appliance(foreign_venue, "foreign-1")
    assert list(scope.appliances_of(ours)) == [mine]
    with pytest.raises(NotFoundError):
        scope.get_appliance(ours, foreign.id)


def test_an_appliance_is_offline_after_an_hour_of_silence(central_services, factory):
    _ours, _theirs, cok, *_ = _two_spks(factory)
    now = _now()
    recent = _appliance(cok, "a-1", last_contact_at=now - dt.timedelta(minutes=59))
    silent = _appliance(cok, "a-2", last_contact_at=now - dt.timedelta(minutes=61))
    never = _appliance(cok, "a-3", enrolled_at=now - dt.timedelta(hours=5))
    just_enrolled = _appliance(cok, "a-4", enrolled_at=now)
    revoked = _appliance(cok, "a-5", status="revoked", last_contact_at=now - dt.timedelta(days=3))
    assert [centres.is_offline(a, now) for a in (recent, silent, never, just_enrolled, revoked)] == [
        False, True, True, False, False]


def test_refused_bundles_of_unknown_keys_or_other_spks_are_not_listed(central_services, factory):
    ours, _theirs, cok, _venue, foreign_cok, _ = _two_spks(factory)
    mine = _appliance(cok, "mine")
    foreign = _appliance(foreign_cok, "foreign")
    for appliance, reason in ((mine, "наш"), (foreign, "чужой"), (None, "неизвестный ключ")):
        RefusedBundle.create(appliance=appliance, reason=reason, size=1, sha256="0" * 64)
    page = centres.refused_bundles(ours)
    assert [r.reason for r in page.rows] == ["наш"] and page.total == 1


def test_human_size():
    assert [centres.human_size(n) for n in (0, 1023, 2048, 7 * 1024 * 1024 + 1)] == ["0 Б", "1023 Б", "2,0 КБ",
                                                                                    "7,0 МБ"]


def test_expert_status_follows_certificate_dates(central_services, factory):
    spk = factory.org(OrgKind.SPK)
    std = ProfStandard.create(code="40.054", name="Охрана труда")
    qual = Qualification.create(spk=spk, prof_standard=std, code="40.05400.01", name="Специалист", level=6)
    expert = factory.user(Role.EXPERT, spk, password=None)

    def cert(start, end):
        return ExpertCertificate(expert=expert, qualification=qual, valid_from=start, valid_to=end,
                                 protocol_number="1", protocol_date=start)

    day = dt.timedelta(days=1)
    assert experts.expert_status(expert, [], TODAY) == "Нет свидетельств"
    assert experts.expert_status(expert, [cert(TODAY - 9 * day, TODAY - day)], TODAY) == "Истёк"
    assert experts.expert_status(expert, [cert(TODAY - 9 * day, TODAY - day), cert(TODAY, TODAY)], TODAY) == "Действующий"
    assert experts.expert_status(expert, [cert(TODAY + day, TODAY + 9 * day)], TODAY) == "Свидетельство ещё не действует"
    expert.is_active = False
    assert experts.expert_status(expert, [cert(TODAY, TODAY)], TODAY) == "Отключён"


def test_block_numbers_keep_filled_blocks_and_add_empty_ones():
    assert experts.block_numbers({}) == [1, 2]
    form = {"qualification_1": "", "valid_from_1": "", "qualification_3": "5", "protocol_number_3": "1"}
    assert experts.posted_numbers(form) == [1, 3]
    assert experts.block_numbers(form) == [3, 4, 5]
    assert experts.block_numbers(form, extra=1) == [3, 4, 5, 6]
    assert experts.block_numbers({"cert_2": "9", "remove_2": "on"}) == [2, 3, 4]


def _publish_world(factory):
    ours, _theirs, cok, venue, foreign_cok, _ = _two_spks(factory)
    std = ProfStandard.create(code="40.054", name="Охрана труда")
    qual = Qualification.create(spk=ours, prof_standard=std, code="40.05400.01", name="Специалист", level=6)
    versions = [Kos.create(qualification=qual, version=v, title="КОС", content="{}", sha256="1" * 64)
                for v in ("1", "2")]
    return ours, qual, versions, [_appliance(cok, "c-1"), _appliance(venue, "v-1"), _appliance(foreign_cok, "f-1")]


def test_publishing_records_the_revision_and_counts_only_our_appliances(central_services, factory):
    ours, qual, (v1, v2), (a1, a2, foreign) = _publish_world(factory)
    admin = factory.user(Role.ADMIN, ours)
    rev1 = qualifications.publish_kos(ours, admin, qual, v1.id)
    rev2 = qualifications.publish_kos(ours, admin, qual, v2.id)
    rev3 = qualifications.publish_kos(ours, admin, qual, v1.id)
    assert rev1 < rev2 < rev3
    assert [p.kos_id for p in PublishedKos.select()] == [v1.id]
    assert qualifications.publish_revisions([v1.id, v2.id]) == {v1.id: rev3}  # only what is published now
    a1.snapshot_version = rev3
    a1.save()
    foreign.snapshot_version = rev3 + 5
    foreign.save()
    pub = qualifications.publication(ours, qual)
    assert (pub.kos.id, pub.revision, pub.took, pub.total) == (v1.id, rev3, 1, 2)
    states = {s.appliance.appliance_id: s.took for s in qualifications.appliance_states(ours, pub)}
    assert states == {"c-1": True, "v-1": False}
    _page, rows = qualifications.list_qualifications(ours)
    # «Выгрузить» in the list offers the newest loaded version, whichever one is published.
    assert [(r.kos_status, r.current.version if r.current else None) for r in rows] == [("Выгружен", "2")]


@pytest.mark.postgres
def test_lists_and_searches_work_on_postgresql(central_pg_services, factory):
    ours, qual, (v1, _v2), (a1, *_rest) = _publish_world(factory)
    admin = factory.user(Role.ADMIN, ours)
    qualifications.publish_kos(ours, admin, qual, v1.id)
    RefusedBundle.create(appliance=a1, reason="подпись", size=5, sha256="0" * 64)
    page, cards = centres.list_centres(ours, "альфа")
    assert page.total == 1 and [c.cok.short_name for c in cards] == ["ЦОК «Альфа»"]
    assert [v.short_name for v in cards[0].venues] == ["Площадка «Бета»"]
    assert centres.list_centres(ours, "бета")[0].total == 1 and centres.refused_bundles(ours).total == 1
    expert = factory.user(Role.EXPERT, ours, email="e@expert.test", full_name="Кузнецова Анна Сергеевна", password=None)
    ExpertCertificate.create(expert=expert, qualification=qual, valid_from=TODAY, valid_to=TODAY,
                             protocol_number="1", protocol_date=TODAY)
    assert [r.expert.id for r in experts.list_experts(ours, "кузнецова")[1]] == [expert.id]
    assert [r.expert.id for r in experts.list_experts(ours, "40.054")[1]] == [expert.id]
    _page, rows = qualifications.list_qualifications(ours, "специалист")
    assert rows[0].publication is not None and rows[0].publication.total == 2
