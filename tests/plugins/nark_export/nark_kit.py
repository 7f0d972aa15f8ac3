"""Records for the nark_export tests: one valid payload per kind, changed per test."""
from __future__ import annotations

import copy
from typing import Any

CERTIFICATE: dict[str, Any] = {
    "kind": "certificate", "document_id": "3f9c0a7e5b1d4c2a8e6f0b9d7c5a3e1f",
    "is_duplicate": False, "duplicate_of": None, "issued_on": None, "valid_until": None,
    "full_name": "Иванов Иван Иванович",
    "qualification": {"code": "40.05400.01", "name": "Специалист по охране труда", "level": 6},
    "cok": {"full_name": "ООО «Центр оценки квалификаций «Профи»", "inn": "7736050003", "registry_number": "77.001"},
    "spk": {"full_name": "Совет по профессиональным квалификациям в области обеспечения безопасности "
                         "в чрезвычайных ситуациях", "inn": "7707083893"},
    "protocol": {"number": "15", "date": "2026-11-20"}, "exam_date": "2026-11-18",
}


def payload(**changes: Any) -> dict[str, Any]:
    """A valid certificate payload; ``section__key=value`` changes a nested field."""
    data = copy.deepcopy(CERTIFICATE)
    for name, value in changes.items():
        section, _, key = name.partition("__")
        if key:
            data[section][key] = value
        else:
            data[section] = value
    return data


def conclusion(**changes: Any) -> dict[str, Any]:
    return payload(**{"kind": "conclusion", "document_id": "c0ffee00c0ffee00c0ffee00c0ffee00",
                      "full_name": "Петрова Анна Сергеевна", **changes})


def duplicate(**changes: Any) -> dict[str, Any]:
    return payload(**{"document_id": "d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0", "is_duplicate": True,
                      "duplicate_of": "40.05400.01.00000007.26", "issued_on": "2027-02-01",
                      "valid_until": "2029-11-23", **changes})
