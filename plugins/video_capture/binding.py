"""Which candidate and group a station films (being written)."""
from __future__ import annotations


def bind_station(session, client_ip) -> None:
    """A candidate signed in at the kiosk from `client_ip`: the station there films them now."""
