"""Routes of the video_capture plugin: monitoring (being written)."""
from __future__ import annotations


def add_routes(app, services) -> None:
    """Register this module's resources under /p/video_capture/."""
