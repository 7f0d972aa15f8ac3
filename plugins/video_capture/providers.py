"""The video sources. Capture libraries are imported inside ``open`` once it is written."""
from __future__ import annotations

from core.plugin_api import Frame, Recorder, not_yet_implemented


class WebcamRecorder(Recorder):
    """Веб-камера of an exam workstation, captured with OpenCV."""

    code = "webcam"
    title = "Веб-камера"

    def open(self) -> None:
        raise not_yet_implemented("Запись с веб-камеры")

    def read_frame(self) -> Frame | None:
        raise not_yet_implemented("Запись с веб-камеры")

    def close(self) -> None:
        raise not_yet_implemented("Запись с веб-камеры")


class ScreenRecorder(Recorder):
    """Экран of an exam workstation, captured with mss."""

    code = "screen"
    title = "Экран"

    def open(self) -> None:
        raise not_yet_implemented("Запись экрана")

    def read_frame(self) -> Frame | None:
        raise not_yet_implemented("Запись экрана")

    def close(self) -> None:
        raise not_yet_implemented("Запись экрана")


class NetworkCameraRecorder(Recorder):
    """IP-камера of an exam room, read from its RTSP stream."""

    code = "network_camera"
    title = "IP-камера"

    def open(self) -> None:
        raise not_yet_implemented("Запись с IP-камеры")

    def read_frame(self) -> Frame | None:
        raise not_yet_implemented("Запись с IP-камеры")

    def close(self) -> None:
        raise not_yet_implemented("Запись с IP-камеры")


class SyntheticRecorder(Recorder):
    """Синтетический источник: generated frames, so recording can be tested without a camera."""

    code = "synthetic"
    title = "Синтетический источник (для тестов)"

    def open(self) -> None:
        raise not_yet_implemented("Синтетический источник видео")

    def read_frame(self) -> Frame | None:
        raise not_yet_implemented("Синтетический источник видео")

    def close(self) -> None:
        raise not_yet_implemented("Синтетический источник видео")
