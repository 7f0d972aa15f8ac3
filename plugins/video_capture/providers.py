"""The video sources of a station: webcam, screen, IP camera, and a synthetic one for tests and demos.

Capture libraries (``cv2``, ``mss``, ``numpy``) are imported inside ``open``, so the providers
can be listed on a machine without them (the plugin then says what is missing). A recorder
only captures, stamping each frame with its UTC capture time; the overlay, encoding and
segments are the station's job (``segmenter.py``).
"""
from __future__ import annotations

import datetime as dt
import time
from typing import Any
from urllib.parse import urlsplit

from core.exceptions import ConfigError, TransientError
from core.plugin_api import Frame, Recorder


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def int_setting(settings: dict[str, Any], name: str, default: int, low: int, high: int, title: str) -> int:
    """A whole-number setting within [low, high]; anything else is a Russian `ConfigError`."""
    value = settings.get(name, default)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{title}: ожидается целое число, получено {value!r}") from None
    if isinstance(value, bool) or not low <= number <= high or str(number) != str(value).strip():
        raise ConfigError(f"{title}: допустимы целые числа от {low} до {high}, получено {value!r}")
    return number


class Pacer:
    """Hands out capture moments at `fps` for sources that would otherwise run as fast as the CPU."""

    def __init__(self, fps: int):
        self.interval = 1 / fps
        self.next = time.monotonic()

    def wait(self) -> None:
        delay = self.next - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        self.next = max(self.next + self.interval, time.monotonic() - self.interval)


class _OpenCvRecorder(Recorder):
    """A source OpenCV opens with ``VideoCapture`` (a device index or a stream URL)."""

    _capture: Any = None

    def _target(self) -> int | str:
        raise NotImplementedError

    def _name(self) -> str:
        raise NotImplementedError

    def open(self) -> None:
        target = self._target()
        import cv2

        self.close()
        quiet = getattr(getattr(cv2, "utils", None), "logging", None)  # its English probing noise; ours is Russian
        level = quiet.getLogLevel() if quiet else None
        if quiet:
            quiet.setLogLevel(quiet.LOG_LEVEL_SILENT)
        try:
            capture = cv2.VideoCapture(target)
        finally:
            if quiet:
                quiet.setLogLevel(level)
        if not capture.isOpened():
            capture.release()
            raise TransientError(f"{self._name()} недоступна: устройство не найдено, занято или не отвечает")
        self._capture = capture

    def read_frame(self) -> Frame | None:
        if self._capture is None:
            raise TransientError(f"{self._name()} не открыта")
        ok, image = self._capture.read()
        captured_at = utc_now()
        if not ok or image is None:
            raise TransientError(f"{self._name()}: кадр не получен — устройство отключено или поток прервался")
        height, width = image.shape[:2]
        pixel_format = "gray" if image.ndim == 2 else "bgr24"
        return Frame(image.tobytes(), width, height, pixel_format, captured_at)

    def close(self) -> None:
        capture, self._capture = self._capture, None
        if capture is not None:
            capture.release()


class WebcamRecorder(_OpenCvRecorder):
    """Веб-камера of an exam workstation, captured with OpenCV (settings: ``index``, default 0)."""

    code = "webcam"
    title = "Веб-камера"

    def _target(self) -> int:
        return int_setting(self.settings, "index", 0, 0, 63, "Номер веб-камеры")

    def _name(self) -> str:
        return f"Веб-камера № {self.settings.get('index', 0)}"


class NetworkCameraRecorder(_OpenCvRecorder):
    """IP-камера of an exam room, read from its RTSP or HTTP stream (setting ``url``)."""

    code = "network_camera"
    title = "IP-камера"

    def _target(self) -> str:
        url = str(self.settings.get("url") or "").strip()
        parts = urlsplit(url)
        if parts.scheme not in ("rtsp", "rtsps", "http", "https") or not parts.hostname:
            raise ConfigError("Адрес IP-камеры должен начинаться с rtsp://, rtsps://, http:// или https:// "
                              "и содержать имя узла")
        return url

    def _name(self) -> str:
        parts = urlsplit(str(self.settings.get("url") or ""))
        where = parts.hostname + (f":{parts.port}" if parts.port else "") if parts.hostname else "?"
        return f"IP-камера {where}"  # the host only: the URL may carry a password


class ScreenRecorder(Recorder):
    """Экран of an exam workstation, captured with mss (settings ``monitor``, default 1; optional
    ``region`` {left, top, width, height} within it; ``fps`` paces the grabs, default 10)."""

    code = "screen"
    title = "Экран"

    _screen: Any = None
    _area: dict[str, int] | None = None
    _pacer: Pacer | None = None

    def open(self) -> None:
        monitor = int_setting(self.settings, "monitor", 1, 0, 32, "Номер монитора")
        fps = int_setting(self.settings, "fps", 10, 1, 60, "Частота кадров")
        import mss

        self.close()
        try:
            screen = mss.MSS() if hasattr(mss, "MSS") else mss.mss()
        except mss.ScreenShotError as ex:
            raise TransientError(f"Экран недоступен: нет графического сеанса (проверьте DISPLAY): {ex}") from None
        self._screen = screen
        if monitor >= len(screen.monitors):
            self.close()
            raise TransientError(f"Монитор № {monitor} не найден: подключено мониторов — {len(screen.monitors) - 1}")
        self._area = self._region(dict(screen.monitors[monitor]))
        self._pacer = Pacer(fps)

    def _region(self, bounds: dict[str, int]) -> dict[str, int]:
        region = self.settings.get("region")
        if not region:
            return {key: bounds[key] for key in ("left", "top", "width", "height")}
        try:
            left, top, width, height = (int(region[key]) for key in ("left", "top", "width", "height"))
        except (KeyError, TypeError, ValueError):
            raise ConfigError("Область экрана задаётся числами left, top, width, height") from None
        if width <= 0 or height <= 0 or left < 0 or top < 0 or left + width > bounds["width"] \
                or top + height > bounds["height"]:
            raise ConfigError(f"Область экрана выходит за пределы монитора {bounds['width']}×{bounds['height']}")
        return {"left": bounds["left"] + left, "top": bounds["top"] + top, "width": width, "height": height}

    def read_frame(self) -> Frame | None:
        if self._screen is None:
            raise TransientError("Запись экрана не начата")
        self._pacer.wait()
        try:
            shot = self._screen.grab(self._area)
        except Exception as ex:  # mss raises ScreenShotError and, on a lost X server, OSError and others
            raise TransientError(f"Не удалось снять изображение экрана: {ex}") from None
        return Frame(bytes(shot.bgra), shot.width, shot.height, "bgra", utc_now())

    def close(self) -> None:
        screen, self._screen = self._screen, None
        if screen is not None:
            screen.close()


class SyntheticRecorder(Recorder):
    """Синтетический источник: generated frames (a moving block, a frame counter and the clock) so
    recording can be tested and shown without a camera. Settings: ``width`` × ``height`` (1280×720),
    ``fps`` (10), ``frames`` (none: endless), ``realtime`` (true: frames come at `fps` on the wall
    clock; false: as fast as asked, stamped 1/fps apart from the start)."""

    code = "synthetic"
    title = "Синтетический источник (для тестов)"

    _background: Any = None

    def open(self) -> None:
        self.width = int_setting(self.settings, "width", 1280, 16, 3840, "Ширина кадра")
        self.height = int_setting(self.settings, "height", 720, 16, 2160, "Высота кадра")
        self.fps = int_setting(self.settings, "fps", 10, 1, 60, "Частота кадров")
        frames = self.settings.get("frames")
        self.limit = None if frames in (None, "") else int_setting(self.settings, "frames", 0, 0, 10**9,
                                                                   "Число кадров")
        self.realtime = str(self.settings.get("realtime", True)).lower() not in ("false", "0", "no")
        import cv2
        import numpy as np

        self._cv2, self._np = cv2, np
        rows, cols = np.mgrid[0:self.height, 0:self.width]
        self._background = np.dstack([(cols * 255 // self.width), (rows * 255 // self.height),
                                      np.full_like(rows, 160)]).astype(np.uint8)
        self.count, self.started = 0, utc_now()
        self._pacer = Pacer(self.fps)

    def read_frame(self) -> Frame | None:
        if self._background is None:
            raise TransientError("Синтетический источник не открыт")
        if self.limit is not None and self.count >= self.limit:
            return None
        if self.realtime:
            self._pacer.wait()
            captured_at = utc_now()
        else:
            captured_at = self.started + dt.timedelta(seconds=self.count / self.fps)
        image = self._background.copy()
        side = max(8, self.height // 6)
        span = max(1, self.width - side)
        x = (self.count * max(1, self.width // 50)) % (2 * span)
        x = x if x < span else 2 * span - x
        image[self.height // 6: self.height // 6 + side, x:x + side] = (40, 40, 230)
        scale = self.height / 720
        text = f"{captured_at:%H:%M:%S}.{captured_at.microsecond // 1000:03d}  #{self.count}"
        self._cv2.putText(image, text, (max(4, self.width // 40), max(16, self.height // 10)),
                          self._cv2.FONT_HERSHEY_SIMPLEX, 1.2 * scale, (255, 255, 255), max(1, round(2 * scale)))
        self.count += 1
        return Frame(image.tobytes(), self.width, self.height, "bgr24", captured_at)

    def close(self) -> None:
        self._background = None
