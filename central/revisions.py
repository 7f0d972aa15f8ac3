"""The reference version appliances pull: bumped by every change they must learn about."""
from __future__ import annotations

from central.models import ReferenceRevision


def bump(what: str) -> int:
    """Record a change (call inside the changing transaction); returns the new version."""
    return ReferenceRevision.create(what=what[:200]).id


def current_version() -> int:
    """The newest version, 0 before any change."""
    last = ReferenceRevision.select(ReferenceRevision.id).order_by(ReferenceRevision.id.desc()).first()
    return last.id if last else 0
