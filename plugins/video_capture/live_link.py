"""The live link: asks the appliance whom the station films, and sends it the latest picture.

Every few seconds it polls ``/binding`` (the capture loop starts a new recording when the bound
candidate changes) and posts the newest encoded picture as a small JPEG for the live
monitoring page. Neither is evidence, so failures are only logged, once per kind of failure;
the segments carry the record.
"""
from __future__ import annotations

import logging
import threading
import time

import numpy as np

from core.exceptions import NokError
from plugins.video_capture.api_client import ApplianceClient
from plugins.video_capture.capture import Binding, LiveState

log = logging.getLogger(__name__)

MAX_JPEG_BYTES = 300 * 1024  # what the appliance accepts
MONITOR_WIDTH = 640  # the monitoring page shows small tiles


def jpeg_still(image: np.ndarray, quality: int = 75) -> bytes:
    """A monitoring still: scaled down to `MONITOR_WIDTH`, compressed until it fits the limit."""
    import cv2

    height, width = image.shape[:2]
    if width > MONITOR_WIDTH:
        image = cv2.resize(image, (MONITOR_WIDTH, max(2, height * MONITOR_WIDTH // width)),
                           interpolation=cv2.INTER_AREA)
    while True:
        ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
        if not ok:
            raise ValueError("JPEG не получился")
        if len(encoded) <= MAX_JPEG_BYTES or quality <= 20:
            return encoded.tobytes()
        quality -= 15


def binding_from(body: dict, default_label: str) -> Binding:
    """The appliance's answer as a `Binding`; an empty label falls back to the station's name."""
    def ident(value: object) -> int | None:
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    label = body.get("label")
    return Binding(ident(body.get("group")), ident(body.get("member")),
                   label.strip() if isinstance(label, str) and label.strip() else default_label)


class LiveLink:
    """Polls the binding and posts stills until stopped; see the module docstring."""

    def __init__(self, client: ApplianceClient, live: LiveState, station_name: str, *,
                 binding_seconds: float = 2.0, frame_seconds: float = 3.0):
        self.client, self.live, self.station_name = client, live, station_name
        self.binding_seconds, self.frame_seconds = binding_seconds, frame_seconds
        self.frames_sent = 0
        self._sent_serial = 0
        self._last_problem: str | None = None

    def poll_binding(self) -> Binding:
        binding = binding_from(self.client.binding(), self.station_name)
        if binding != self.live.binding:
            self.live.set_binding(binding)
        return binding

    def send_frame(self) -> bool:
        """Post the newest picture if there is one not sent yet."""
        serial, image, _ = self.live.latest()
        if image is None or serial == self._sent_serial:
            return False
        self.client.post_frame(jpeg_still(image))
        self._sent_serial = serial
        self.frames_sent += 1
        return True

    def run(self, stop: threading.Event) -> None:
        next_binding = next_frame = time.monotonic()
        while not stop.is_set():
            now = time.monotonic()
            if now >= next_binding:
                self._guarded(self.poll_binding)
                next_binding = now + self.binding_seconds
            if now >= next_frame:
                self._guarded(self.send_frame)
                next_frame = now + self.frame_seconds
            stop.wait(max(0.05, min(next_binding, next_frame) - time.monotonic()))

    def _guarded(self, action) -> None:
        try:
            action()
        except Exception as ex:  # noqa: BLE001 — monitoring is not evidence: log it and carry on
            problem = str(ex) if isinstance(ex, NokError) else f"сбой ({type(ex).__name__}: {ex})"
            if problem != self._last_problem:
                log.warning("Связь с устройством: %s", problem)
            self._last_problem = problem
            return
        self._last_problem = None
