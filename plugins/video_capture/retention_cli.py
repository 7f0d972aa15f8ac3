"""`nok retention run`: destroys recordings whose keeping term is over (being written)."""
from __future__ import annotations


def register(group) -> None:
    """Add the retention commands to the `nok` group."""
