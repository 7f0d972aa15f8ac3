"""Organisations and people of the web tests, and browsers signed in as the staff among them; the app
itself (`services`, `app`, `web`, `new_web`, `signed_in`) comes from the pytest plugin `appliance.testing`."""
from __future__ import annotations

import pytest

from core.models import OrgKind, Role
from core.testing import WebClient  # noqa: F401  (re-exported for older tests)


@pytest.fixture
def orgs(services, factory):
    services.db.connect(reuse_if_open=True)
    spk = factory.org(OrgKind.SPK, full_name="Совет по профессиональным квалификациям в строительстве",
                      short_name="СПК Строительство")
    cok = factory.org(OrgKind.COK, parent=spk, full_name="ООО «Центр оценки квалификаций «Профи»",
                      short_name="ЦОК «Профи»")
    return {
        "spk": spk, "cok": cok,
        "venue": factory.org(OrgKind.VENUE, parent=cok, full_name="Экзаменационная площадка «Север»",
                             short_name="Площадка «Север»"),
        "employer": factory.org(OrgKind.EMPLOYER, full_name="ООО «СтройМонтаж»", short_name="СтройМонтаж"),
        "other_cok": factory.org(OrgKind.COK, parent=spk, full_name="АНО «ЦОК Юг»", short_name="ЦОК «Юг»"),
    }


@pytest.fixture
def people(orgs, factory):
    return {
        "spk_admin": factory.user(Role.ADMIN, orgs["spk"], email="admin@spk.ru", full_name="Смирнов Олег Петрович"),
        "cok_admin": factory.user(Role.ADMIN, orgs["cok"], email="admin@cok.ru", full_name="Кузнецова Мария Ивановна"),
        "cok_operator": factory.user(Role.OPERATOR, orgs["cok"], email="operator@cok.ru",
                                     full_name="Попов Андрей Сергеевич"),
        "venue_admin": factory.user(Role.ADMIN, orgs["venue"], email="admin@venue.ru",
                                    full_name="Васильев Игорь Николаевич"),
        "employer_admin": factory.user(Role.ADMIN, orgs["employer"], email="hr@stroy.ru",
                                       full_name="Морозова Елена Викторовна"),
        "expert": factory.user(Role.EXPERT, orgs["spk"], email="expert@spk.ru", full_name="Волков Павел Андреевич"),
        "applicant": factory.user(Role.APPLICANT, email="welder@mail.ru", full_name="Соколов Дмитрий Олегович"),
        "other_admin": factory.user(Role.ADMIN, orgs["other_cok"], email="admin@yug.ru",
                                    full_name="Лебедев Артём Юрьевич"),
    }


@pytest.fixture
def cok_web(people, signed_in):
    """The browser of the operator of ЦОК «Профи»."""
    return signed_in(people["cok_operator"])


@pytest.fixture
def venue_web(people, signed_in):
    """The browser of the administrator of «Площадка «Север»»."""
    return signed_in(people["venue_admin"])


@pytest.fixture
def stranger_web(people, signed_in):
    """The browser of the administrator of another ЦОК («Юг»): sees none of «Профи»'s objects."""
    return signed_in(people["other_admin"])
