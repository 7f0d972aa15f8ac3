"""Reading submitted forms safely (strings only, trimmed, bounded)."""
from __future__ import annotations

import falcon

MAX_FIELD = 2000


def read_form(req: falcon.Request) -> dict[str, str]:
    """Return the urlencoded form as str → str; repeated or odd fields keep their last string."""
    if not (req.content_type or "").startswith(falcon.MEDIA_URLENCODED):
        raise falcon.HTTPBadRequest(title="Неверный запрос", description="Ожидалась отправка формы.")
    media = req.get_media() or {}
    out: dict[str, str] = {}
    for key, value in media.items():
        if isinstance(value, list):
            value = value[-1] if value else ""
        out[key] = str(value).strip()[:MAX_FIELD]
    return out
