"""Pytest fixtures of the central registry (registered as plugin `nok_central`, next to `core.testing`).

`central_services` opens the registry over a SQLite file (fast); tests that must run on PostgreSQL
use `central_pg_services`. `spk_world` is a СПК with staff, two ЦОК, a venue, qualifications, an
enrolled appliance (whose private keys the test holds) and `add_result()` for realistic results.
"""
from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from core.config import Config
from core.models import OrgKind, ProfStandard, Qualification, Role
from central.results_ingest import person_key  # noqa: F401 (re-exported for tests)
from core.testing import TEST_PASSWORD, WebClient, make_config

RESULT_FORMAT = "nok-result-bundle/1"


def make_central_config(data_dir: Path, database_url: str | None = None, **overrides) -> Config:
    """A throwaway registry config with fresh registry keys under `data_dir/federation`."""
    from central.bootstrap import CENTRAL_PLUGINS, registry_key_dir
    from federation.keys import generate_registry_keys

    url = database_url or f"sqlite:///{data_dir / 'central.db'}"
    overrides.setdefault("plugins", list(CENTRAL_PLUGINS))
    config = make_config(data_dir, database_url=url, **overrides)
    generate_registry_keys().save(registry_key_dir(config))
    return config


@pytest.fixture
def central_config(tmp_path: Path, smtp_server) -> Config:
    return make_central_config(tmp_path / "central", smtp_port=smtp_server.port, base_url="http://registry.test")


@pytest.fixture
def central_services(central_config) -> Iterator:
    from central.bootstrap import open_central_services

    svc = open_central_services(central_config)
    svc.db.connect(reuse_if_open=True)
    yield svc
    svc.db.close()


@pytest.fixture
def central_pg_services(tmp_path: Path, smtp_server, postgres_admin_url: str) -> Iterator:
    """The registry on a fresh PostgreSQL database (the production mode), dropped afterwards."""
    from central.bootstrap import open_central_services
    from core.db import open_database_url

    name = f"nok_central_{uuid.uuid4().hex[:12]}"
    admin = open_database_url(postgres_admin_url)
    admin.connect()
    admin.execute_sql(f'CREATE DATABASE "{name}"')
    base, _, _ = postgres_admin_url.rpartition("/")
    config = make_central_config(tmp_path / "central_pg", database_url=f"{base}/{name}", smtp_port=smtp_server.port,
                                 base_url="http://registry.test")
    svc = open_central_services(config)
    svc.db.connect(reuse_if_open=True)
    try:
        yield svc
    finally:
        svc.db.close()
        admin.execute_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def central_app(central_services):
    from central.web.app import create_app

    return create_app(central_services)


@pytest.fixture
def central_web(central_app) -> WebClient:
    return WebClient(central_app)


@pytest.fixture
def central_signed_in(central_app) -> Callable[..., WebClient]:
    """`central_signed_in(user or e-mail)` → a new browser signed in at the registry."""

    def sign_in(who) -> WebClient:
        client = WebClient(central_app)
        page = client.login(getattr(who, "email", who), TEST_PASSWORD)
        assert page.status_code == 303, page.text[:2000]
        return client

    return sign_in


# --- a realistic СПК ------------------------------------------------------------------------------

def result_document(*, application_id: int, number: str, full_name: str, snils: str | None, birth_date: str,
                    qualification: Qualification, cok, venue, exam_date: dt.date, verdict: str,
                    theory_points: Decimal | None = Decimal("42"), theory_max: Decimal = Decimal("50"),
                    applied_at: dt.datetime | None = None, documents: list[dict] | None = None,
                    video: list[dict] | None = None) -> dict[str, Any]:
    """`result.json` of an exam_result bundle (docs/federation.md), as an appliance builds it."""
    exam_at = dt.datetime.combine(exam_date, dt.time(10, 0))
    stages = [{"stage": "theory", "title": "Теоретический этап", "group_id": 1, "exam_at": exam_at.isoformat(),
               "finished_at": (exam_at + dt.timedelta(minutes=50)).isoformat(),
               "points": None if theory_points is None else f"{theory_points}", "max_points": f"{theory_max}",
               "pass_points": f"{(theory_max * Decimal('0.7')).quantize(Decimal('1'))}",
               "passed": theory_points is not None and theory_points >= theory_max * Decimal("0.7")}]
    return {
        "format": RESULT_FORMAT,
        "submission": {"id": application_id, "queued_at": (exam_at + dt.timedelta(days=1)).isoformat()},
        "applied_at": (applied_at or exam_at - dt.timedelta(days=20)).isoformat(),
        "result": {
            "format": "nok-spk-result/1",
            "application": {"id": application_id, "number": number},
            "applicant": {"full_name": full_name, "snils": snils, "birth_date": birth_date},
            "qualification": {"code": qualification.code, "name": qualification.name, "level": qualification.level,
                              "title": qualification.title},
            "cok": {"id": cok.id, "full_name": cok.full_name, "short_name": cok.short_name, "inn": cok.inn},
            "venue": {"id": venue.id, "full_name": venue.full_name, "short_name": venue.short_name,
                      "inn": venue.inn, "address": venue.legal_address},
            "exam_dates": [exam_date.isoformat()],
            "stages": stages,
            "experts": [{"name": "Кузнецова Анна Сергеевна", "is_chair": True, "verdict": verdict,
                         "verdict_title": "Сдал" if verdict == "passed" else "Не сдал", "comment": None,
                         "set_by": None, "saved_at": (exam_at + dt.timedelta(hours=3)).isoformat()}],
            "commission": {"verdict": verdict, "title": "Сдал" if verdict == "passed" else "Не сдал",
                           "group_id": 1, "decided_at": (exam_at + dt.timedelta(hours=3)).isoformat()},
            "protocol": {"number": f"ЭК-{application_id}", "date": exam_date.isoformat(), "signed": True},
        },
        "answers": [],
        "documents": documents or [],
        "video": video or [],
    }


@dataclass
class SpkWorld:
    """A СПК at the registry with everything a cabinet page needs."""

    services: Any
    factory: Any
    spk: Any
    admin: Any
    operator: Any
    coks: list
    venue: Any
    qualifications: list
    appliance: Any
    appliance_keys: Any
    settings: Any
    _n: int = field(default=0)

    def add_result(self, *, full_name: str | None = None, verdict: str = "passed", qualification=None, cok=None,
                   exam_date: dt.date | None = None, snils: str | None = "112-233-445 95", **fields):
        """A received result (status «Передано в СПК») with its result.json in the blob store."""
        from central.models import CentralResult

        self._n += 1
        qualification = qualification or self.qualifications[0]
        cok = cok or self.coks[0]
        exam_date = exam_date or dt.date.today() - dt.timedelta(days=3)
        full_name = full_name or f"Соискатель{self._n} Иван Петрович"
        doc = result_document(application_id=1000 + self._n, number=f"З-{1000 + self._n}", full_name=full_name,
                              snils=snils, birth_date="1985-04-12", qualification=qualification, cok=cok,
                              venue=self.venue, exam_date=exam_date, verdict=verdict)
        digest = self.services.blobs.put(json.dumps(doc, ensure_ascii=False).encode("utf-8")).digest
        values = dict(
            appliance=self.appliance, cok=cok, venue=self.venue, qualification=qualification,
            qualification_code=qualification.code, qualification_title=qualification.title,
            source_application_id=1000 + self._n, application_number=f"З-{1000 + self._n}", full_name=full_name,
            person_key=person_key(snils, full_name, "1985-04-12"), exam_date=exam_date,
            applied_at=dt.datetime.combine(exam_date, dt.time(10)) - dt.timedelta(days=20),
            theory_points=Decimal("42"), theory_max_points=Decimal("50"), commission_verdict=verdict,
            decision=verdict, payload_digest=digest, updated_from_bundle=uuid.uuid4().hex)
        values.update(fields)
        return CentralResult.create(**values)


@pytest.fixture
def spk_world(central_services, factory) -> SpkWorld:
    from central.models import Appliance, SpkSettings
    from federation.keys import generate_appliance_keys

    spk = factory.org(OrgKind.SPK, full_name="Совет по профессиональным квалификациям в области обеспечения "
                                             "безопасности в чрезвычайных ситуациях",
                      short_name="СПК ЧС", inn="7707083893", ogrn="1027700132195",
                      chair_name="Петров Сергей Николаевич", secretary_name="Орлова Мария Викторовна",
                      voting_members="Петров С. Н.\nОрлова М. В.\nГусев А. А.\nЛебедева Н. И.",
                      legal_address="г. Москва, ул. Ильинка, д. 5")
    coks = [factory.org(OrgKind.COK, parent=spk, full_name="ООО «Центр оценки квалификаций «Профи»",
                        short_name="ЦОК «Профи»", inn="7736050003", registry_number="77.001",
                        head_name="Соколов Андрей Викторович", legal_address="г. Москва, ул. Тверская, д. 7"),
            factory.org(OrgKind.COK, parent=spk, full_name="АНО «ЦОК Юг»", short_name="ЦОК «Юг»", inn="6164046076",
                        registry_number="61.002", head_name="Белова Ирина Олеговна",
                        legal_address="г. Ростов-на-Дону, пр. Будённовский, д. 1")]
    venue = factory.org(OrgKind.VENUE, parent=coks[0], full_name="Экзаменационная площадка «Север»",
                        short_name="Площадка «Север»", legal_address="г. Москва, ул. Северная, д. 3")
    std = ProfStandard.create(code="40.054", name="Специалист в области охраны труда",
                              approval_order="приказ Минтруда России от 22.04.2021 № 274н")
    quals = [Qualification.create(spk=spk, prof_standard=std, code="40.05400.01", name="Специалист по охране труда",
                                  level=6, validity_years=3),
             Qualification.create(spk=spk, prof_standard=std, code="40.05400.02",
                                  name="Руководитель службы охраны труда", level=7, validity_years=5)]
    keys = generate_appliance_keys()
    info = keys.public_info()
    appliance = Appliance.create(appliance_id="cok-profi-1", organisation=coks[0], title="Комплекс ЦОК «Профи»",
                                 signing_public_key=info["signing_public_key"], hpke_public_key=info["hpke_public_key"],
                                 curve_public_key=info["curve_public_key"])
    return SpkWorld(services=central_services, factory=factory, spk=spk,
                    admin=factory.user(Role.ADMIN, spk, email="admin@spk.test", full_name="Смирнов Олег Петрович"),
                    operator=factory.user(Role.OPERATOR, spk, email="operator@spk.test",
                                          full_name="Васильева Елена Андреевна"),
                    coks=coks, venue=venue, qualifications=quals, appliance=appliance, appliance_keys=keys,
                    settings=SpkSettings.create(spk=spk))
