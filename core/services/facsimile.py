"""An expert's own drawn signature («Ваша подпись»): placed next to their name in the protocol.

The same canvas pad and the same checks as an organisation's facsimile
(`core.services.organisations.signature_png`), stored on the user (`User.facsimile_digest`)
as an encrypted PNG blob. Removing it keeps the blob: protocols already signed refer to it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from core.db import write_transaction
from core.exceptions import NotFoundError, PermissionDeniedError
from core.models import Role, User
from core.services.organisations import signature_png

if TYPE_CHECKING:
    from core.blobstore import BlobStore


def _require_expert(actor: User) -> User:
    if Role(actor.role) is not Role.EXPERT:
        raise PermissionDeniedError("Собственная подпись в протоколах есть только у экспертов.")
    return User.get_by_id(actor.id)


def save_user_facsimile(actor: User, blobs: "BlobStore", data_url: str) -> str:
    """Check the drawn PNG and make it the expert's facsimile; returns the blob digest."""
    user = _require_expert(actor)
    png = signature_png(data_url)
    digest = blobs.put(png).digest
    with write_transaction():
        user.facsimile_digest = digest
        user.save()
    actor.facsimile_digest = digest
    return digest


def remove_user_facsimile(actor: User) -> None:
    user = _require_expert(actor)
    with write_transaction():
        user.facsimile_digest = None
        user.save()
    actor.facsimile_digest = None


def user_facsimile(actor: User, blobs: "BlobStore") -> bytes:
    """The expert's own facsimile PNG (nobody else's: the page shows it back to its owner only)."""
    user = _require_expert(actor)
    if not user.facsimile_digest:
        raise NotFoundError("Подпись ещё не нарисована.")
    return blobs.read(user.facsimile_digest)
