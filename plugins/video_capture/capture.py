"""The capture loop of `nok station record`: recorder → segmenter, following who the station films.

It runs in the main thread while the uploader and the live link run beside it; they share a
`LiveState`. The live link writes the binding (group, member, label) the appliance reports; the
loop starts a new recording when the bound candidate (or the label) changes and puts the newest picture there
for live monitoring. A device that drops out ends the current segment (so it is safe in the
spool) and is reopened with growing pauses; recording goes on whether or not the appliance is
reachable.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass

import numpy as np

from core.exceptions import TransientError
from core.providers import Recorder
from plugins.video_capture.segmenter import Segmenter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Binding:
    """Whom the station films: the exam group and member ids (``None`` when nobody) and the label."""

    group: int | None
    member: int | None
    label: str


class LiveState:
    """What the capture loop and the uplink threads share, behind one lock."""

    def __init__(self, binding: Binding):
        self._lock = threading.Lock()
        self._binding = binding
        self._image: np.ndarray | None = None
        self._image_at: dt.datetime | None = None
        self._image_serial = 0

    @property
    def binding(self) -> Binding:
        with self._lock:
            return self._binding

    def set_binding(self, binding: Binding) -> None:
        with self._lock:
            self._binding = binding

    def publish(self, image: np.ndarray, captured_at: dt.datetime) -> None:
        """Offer the newest encoded picture (the array is not written to afterwards)."""
        with self._lock:
            self._image, self._image_at = image, captured_at
            self._image_serial += 1

    def latest(self) -> tuple[int, np.ndarray | None, dt.datetime | None]:
        """(serial, picture, capture time): the serial changes with every new picture."""
        with self._lock:
            return self._image_serial, self._image, self._image_at


class CaptureLoop:
    """Read frames until stopped, the duration is over or the source ends; never lose a finished segment."""

    def __init__(self, recorder: Recorder, segmenter: Segmenter, live: LiveState, stop: threading.Event, *,
                 duration: float | None = None, retry_seconds: float = 1.0, max_retry_seconds: float = 30.0):
        self.recorder, self.segmenter, self.live, self.stop = recorder, segmenter, live, stop
        self.duration = duration
        self.retry_seconds, self.max_retry_seconds = retry_seconds, max_retry_seconds
        self.frames = 0

    def run(self) -> int:
        """Record; return the number of segments committed to the spool."""
        deadline = None if self.duration is None else time.monotonic() + self.duration
        pause, opened = self.retry_seconds, False
        binding = self.live.binding
        try:
            while not self.stop.is_set() and (deadline is None or time.monotonic() < deadline):
                try:
                    if not opened:
                        self.recorder.open()
                        opened, pause = True, self.retry_seconds
                    frame = self.recorder.read_frame()
                except TransientError as ex:
                    log.warning("%s; повтор через %.0f с", ex, pause)
                    self.segmenter.finish_segment()
                    self.recorder.close()
                    opened = False
                    self.stop.wait(pause if deadline is None else min(pause, max(0, deadline - time.monotonic())))
                    pause = min(pause * 2, self.max_retry_seconds)
                    continue
                if frame is None:
                    break
                current = self.live.binding
                if current != binding:  # a recording has one candidate and one label (the appliance checks)
                    log.info("Станция снимает: %s — начата новая запись", current.label)
                    self.segmenter.close_recording(frame.captured_at)  # the next frame starts a new one
                binding = current
                image = self.segmenter.add(frame, current.label)
                if image is not None:
                    self.frames += 1
                    self.live.publish(image, frame.captured_at)
        finally:
            try:
                self.segmenter.close_recording()
            finally:
                self.recorder.close()
        return self.segmenter.committed
