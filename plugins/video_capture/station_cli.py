"""`nok station …`: the recorder process of an exam workstation or room camera (being written)."""
from __future__ import annotations


def register(group) -> None:
    """Add the station commands to the `nok` group."""
