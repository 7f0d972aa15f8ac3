"""Reading submitted forms safely (strings only, trimmed, bounded)."""
from __future__ import annotations

import falcon

MAX_FIELD = 2000
MAX_SIGNATURE_BODY = 1024 * 1024


def _require_urlencoded(req: falcon.Request) -> None:
    if not (req.content_type or "").startswith(falcon.MEDIA_URLENCODED):
        raise falcon.HTTPBadRequest(title="Неверный запрос", description="Ожидалась отправка формы.")


def read_form(req: falcon.Request) -> dict[str, str]:
    """Return the urlencoded form as str → str; repeated or odd fields keep their last string."""
    _require_urlencoded(req)
    media = req.get_media() or {}
    out: dict[str, str] = {}
    for key, value in media.items():
        if isinstance(value, list):
            value = value[-1] if value else ""
        out[key] = str(value).strip()[:MAX_FIELD]
    return out


def read_signature(req: falcon.Request) -> str:
    """The signature pad's PNG data URL (field «signature», untrimmed: the service checks the PNG itself).

    Shared by the expert's and the ЦОК's «Ваша подпись»; the body is bounded before it is parsed.
    """
    if (req.content_length or 0) > MAX_SIGNATURE_BODY:
        raise falcon.HTTPContentTooLarge(title="Файл слишком большой",
                                         description="Изображение подписи слишком большое.")
    _require_urlencoded(req)
    value = (req.get_media() or {}).get("signature", "")
    return value if isinstance(value, str) else ""
