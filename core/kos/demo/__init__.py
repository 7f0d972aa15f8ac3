"""Demo КОС loaded by `nok demo`: it goes through the same importer as a ЦОК's upload."""
from __future__ import annotations

import json

from core.kos.demo.labour_safety import QUALIFICATION_CODE, labour_safety_kos
from core.models import Kos, Qualification


def load_labour_safety_kos() -> Kos | None:
    """Import the demo КОС for «Специалист по охране труда (6 уровень)» unless a version is already there."""
    from core.kos.store import import_kos

    qualification = Qualification.get_or_none(Qualification.code == QUALIFICATION_CODE)
    if qualification is None or Kos.select().where(Kos.qualification == qualification).exists():
        return None
    data = json.dumps(labour_safety_kos(), ensure_ascii=False).encode("utf-8")
    return import_kos(None, qualification, data, "labour_safety.json")
