"""/verify/{public_id}: the public check a certificate's QR code leads to (no sign-in).

Shows the document's state in large letters and only what is printed on the document itself
(registration number, ФИО, qualification, dates, ЦОК, СПК) — never СНИЛС, birth date or anything
else of the holder. The id is 32 random hex digits (`verification` refuses anything else), so ids cannot be guessed.
"""
from __future__ import annotations

import falcon

from core import audit

# The wording of the check, by state (the domain's `state_title` covers states added later).
STATE_TITLES = {
    "valid": "Действительно",
    "expired": "Срок действия истёк",
    "revoked": "Аннулировано",
    "replaced": "Выдан дубликат — документ недействителен",
    "awaiting": "Ожидает внесения в реестр НАРК",
}
NOT_FOUND = ("Документ с таким кодом проверки не найден. Проверьте ссылку или отсканируйте QR-код ещё раз; "
             "если ошибка повторяется, обратитесь в СПК, выдавший документ.")


class VerifyResource:
    """GET /verify/{public_id}."""

    def __init__(self, services):
        self.services = services

    def on_get(self, req, resp, public_id):
        from central.services import certificates

        found = certificates.verification(public_id)
        if found is None:
            raise falcon.HTTPNotFound(title="Документ не найден", description=NOT_FOUND)
        audit.record("verify", "certificate", public_id, {"state": found.state})
        self.services.render(req, resp, "verify.html", title="Проверка свидетельства о квалификации", v=found,
                             state_title=STATE_TITLES.get(found.state, found.state_title))


def add_routes(app, services) -> None:
    app.add_route("/verify/{public_id}", VerifyResource(services))
