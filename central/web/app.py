"""`create_app(services)`: the central registry's falcon application (tests and gunicorn alike)."""
from __future__ import annotations

from pathlib import Path

import falcon

from core.context import Services
from core.web.shell import build_app

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
# Each area adds its routes with `add_routes(app, services)`; pages of the СПК cabinet live under
# `/cabinet/spk/<section>` (sections as in core/web/menus.py).
AREA_MODULES: list[str] = [
    "central.web.enrol",          # POST /federation/enrol (appliances, JSON)
    "central.web.verify",         # /verify/{public_id}: public certificate check (QR)
    "central.web.results",        # «Результаты экзаменов»
    "central.web.protocols",      # «Протоколы»
    "central.web.certificates",   # «Свидетельства» (and conclusions)
    "central.web.centres",        # «ЦОК и площадки»: appliances, enrolment codes, refused bundles
    "central.web.experts",        # «Эксперты»
    "central.web.qualifications",  # «Квалификации»: КОС publishing
    "central.web.profile",        # «Ваш профиль»: СПК members, chair's facsimile, deadlines
    "central.web.persons",        # «Личные дела»
    "central.web.plan",           # «План-график»
    "central.web.statistics",     # «Статистика»
]


def create_app(services: Services) -> falcon.App:
    return build_app(services, template_dirs=[TEMPLATE_DIR], area_modules=AREA_MODULES)
