"""Recording cost per stream: capture + overlay + VP8 encode of 1280×720 at 10 fps, as a ratio to real time.

Runs the station's own pipeline (`plugins.video_capture.segmenter.Segmenter`: overlay with the
timestamp and label, PyAV libvpx realtime cpu-used 8 yuv420p, 60-second segments hashed, signed
and committed to a spool) as fast as it goes, for two sources:

1. webcam-like — synthetic camera frames: a lit room with a swaying figure and per-pixel sensor
   noise (the hard case for a codec). Making these frames is not counted: a real webcam's cost
   is its driver and MJPEG decoding, which this machine has no camera to measure;
2. screen — mss grabs the root window of an Xvfb display (started here on a free display when
   DISPLAY is unset) whose background `xsetroot -bitmap` replaces every second of video with a
   freshly drawn test page: header, countdown clock, question, options, the candidate's choice
   (mostly static, a changing region — like a candidate's screen). The grab is counted; drawing
   the page is not. Without Xvfb/xsetroot the same pages are fed as frames directly (said so).

Printed per source: frames/s and its ratio to real time (frames/s ÷ fps; ≥ 1.0 keeps up), CPU
seconds per second of video (process CPU time, all threads), how many such streams one core
sustains (⌊1 ÷ CPU share⌋) and the size of an hour (bytes of the 60-second segment × 60).

Run: `.venv/bin/python bench/recording.py [--seconds 60] [--fps 10]`
"""
from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from PIL import Image, ImageDraw, ImageFont  # noqa: E402

from core.providers import Frame  # noqa: E402
from plugins.video_capture.overlay import FONT_PATHS  # noqa: E402
from plugins.video_capture.segmenter import Segmenter  # noqa: E402
from plugins.video_capture.spool import Spool  # noqa: E402
from plugins.video_capture.station_keys import StationIdentity  # noqa: E402

WIDTH, HEIGHT = 1280, 720
START = dt.datetime(2026, 3, 16, 7, 0, tzinfo=dt.timezone.utc)


# --- pure helpers (tested) ---------------------------------------------------------------------

def streams_per_core(cpu_per_video_second: float) -> int:
    """How many streams one core sustains: ⌊1 ÷ CPU share⌋ (0 when one stream does not keep up)."""
    return math.floor(1 / cpu_per_video_second) if cpu_per_video_second > 0 else 0


def bytes_per_hour(size: int, video_seconds: float) -> int:
    """An hour of video from `size` bytes of `video_seconds` (a 60-second segment × 60)."""
    return round(size * 3600 / video_seconds)


def free_display(start: int = 90, stop: int = 200, root: Path = Path("/tmp")) -> int:
    """The first X display number with neither a lock file nor a socket."""
    for number in range(start, stop):
        if not (root / f".X{number}-lock").exists() and not (root / ".X11-unix" / f"X{number}").exists():
            return number
    raise RuntimeError("нет свободного номера дисплея X")


@dataclass(frozen=True)
class Measure:
    """What one source cost: frames, wall and CPU seconds of the measured work, bytes written."""

    frames: int
    fps: int
    wall: float
    cpu: float
    size: int

    @property
    def video_seconds(self) -> float:
        return self.frames / self.fps

    @property
    def frames_per_second(self) -> float:
        return self.frames / self.wall

    @property
    def realtime_ratio(self) -> float:
        return self.frames_per_second / self.fps

    @property
    def cpu_share(self) -> float:
        return self.cpu / self.video_seconds


# --- sources -----------------------------------------------------------------------------------

def webcam_frames(count: int, seed: int = 7) -> Iterator[np.ndarray]:
    """A room lit from one side, a figure swaying at the desk, ±4 levels of sensor noise per pixel
    (a webcam after its own denoising)."""
    import cv2

    rng = np.random.default_rng(seed)
    rows, cols = np.mgrid[0:HEIGHT, 0:WIDTH]
    scene = np.dstack([70 + cols * 60 // WIDTH, 80 + rows * 50 // HEIGHT, 90 + cols * 40 // WIDTH]).astype(np.uint8)
    cv2.rectangle(scene, (0, 520), (WIDTH, HEIGHT), (60, 75, 95), -1)  # the desk
    cv2.rectangle(scene, (900, 120), (1180, 400), (200, 200, 190), -1)  # a window
    pad = 32
    plus = rng.integers(0, 5, (HEIGHT + pad, WIDTH + pad, 3), dtype=np.uint8)
    minus = rng.integers(0, 5, (HEIGHT + pad, WIDTH + pad, 3), dtype=np.uint8)
    for i in range(count):
        image = scene.copy()
        x = 560 + int(40 * math.sin(i / 12))
        cv2.ellipse(image, (x, 600), (210, 170), 0, 180, 360, (50, 60, 120), -1)  # shoulders
        cv2.circle(image, (x + int(8 * math.sin(i / 5)), 330), 95, (120, 150, 200), -1)  # head
        dy, dx = rng.integers(0, pad, 2)
        noisy = cv2.subtract(cv2.add(image, plus[dy:dy + HEIGHT, dx:dx + WIDTH]), minus[dy:dy + HEIGHT, dx:dx + WIDTH])
        yield noisy


def _font(size: int):
    for path in FONT_PATHS:
        if path.is_file():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def screen_page(second: int) -> Image.Image:
    """The candidate's test page at `second`: 1-bit (XBM takes it), text white on black is «set»."""
    image = Image.new("1", (WIDTH, HEIGHT), 0)
    draw = ImageDraw.Draw(image)
    big, normal = _font(26), _font(22)
    draw.rectangle((0, 0, WIDTH, 56), fill=1)
    draw.text((20, 14), "НОК-Платформа — теоретический этап профессионального экзамена", font=big, fill=0)
    left = 30 * 60 - second
    draw.text((1040, 14), f"Осталось {left // 60:02d}:{left % 60:02d}", font=big, fill=0)
    question = 1 + second // 30
    draw.text((40, 90), f"Вопрос {question} из 30", font=big, fill=1)
    lines = ("Кто обязан обеспечить безопасные условия и охрану труда в организации?",
             "Выберите один правильный ответ и нажмите «Ответить».")
    for n, line in enumerate(lines):
        draw.text((40, 140 + 34 * n), line, font=normal, fill=1)
    chosen = (second // 5 + question) % 4
    for n, option in enumerate(("Работодатель", "Работник", "Профсоюзная организация", "Инспекция труда")):
        top = 250 + 60 * n
        draw.ellipse((40, top, 66, top + 26), outline=1, width=2, fill=1 if n == chosen else 0)
        draw.text((84, top - 2), option, font=normal, fill=1)
    draw.rectangle((40, 620, 40 + 1200 * question // 30, 640), fill=1)
    draw.rectangle((40, 620, 1240, 640), outline=1)
    return image


class XvfbScreen:
    """mss over an Xvfb display whose root background shows `screen_page` (xsetroot -bitmap)."""

    def __init__(self, workdir: Path):
        self.workdir, self.server, self.note = workdir, None, ""

    def __enter__(self) -> XvfbScreen:
        import mss

        if not os.environ.get("DISPLAY"):
            if not shutil.which("Xvfb"):
                raise RuntimeError("нет Xvfb")
            number = free_display()
            self.server = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", f"{WIDTH}x{HEIGHT}x24",
                                            "-nolisten", "tcp"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 10
            while not Path(f"/tmp/.X11-unix/X{number}").exists():
                if time.monotonic() > deadline or self.server.poll() is not None:
                    raise RuntimeError("Xvfb не запустился")
                time.sleep(0.05)
            os.environ["DISPLAY"] = f":{number}"
            self.note = f"Xvfb :{number}, запущен бенчмарком"
        else:
            self.note = f"DISPLAY={os.environ['DISPLAY']}"
        if not shutil.which("xsetroot"):
            raise RuntimeError("нет xsetroot")
        self.mss = mss.MSS() if hasattr(mss, "MSS") else mss.mss()
        self.area = {"left": 0, "top": 0, "width": WIDTH, "height": HEIGHT}
        return self

    def show(self, second: int) -> None:
        path = self.workdir / "page.xbm"
        screen_page(second).save(path)
        subprocess.run(["xsetroot", "-bitmap", str(path), "-fg", "white", "-bg", "#202830"], check=True)

    def grab(self) -> tuple[bytes, str]:
        shot = self.mss.grab(self.area)
        return bytes(shot.bgra), "bgra"  # as ScreenRecorder.read_frame hands it over

    def __exit__(self, *exc) -> None:
        self.mss.close()
        if self.server is not None:
            self.server.terminate()
            self.server.wait(10)
            os.environ.pop("DISPLAY", None)


class Prepared:
    """A source whose next picture is made before the timed part (not counted) and handed over as
    bytes inside it, as a recorder does with what OpenCV returns."""

    def __init__(self, make: Callable[[int], np.ndarray]):
        self.make, self.image = make, None

    def prepare(self, i: int) -> None:
        self.image = self.make(i)

    def capture(self, i: int) -> tuple[bytes, str]:
        return self.image.tobytes(), "bgr24"


# --- measuring ---------------------------------------------------------------------------------

class BenchSegmenter(Segmenter):
    """The station's segmenter; `threads` (when set) overrides libvpx's thread count to compare."""

    threads: int | None = None

    def _begin_segment(self, *args) -> None:
        super()._begin_segment(*args)
        if self.threads is not None:  # the codec opens at the first frame, so this still applies
            self._encoder.stream.codec_context.thread_count = self.threads


def measure(workdir: Path, source: str, frames: int, fps: int, prepare: Callable[[int], None],
            capture: Callable[[int], tuple[bytes, str]], threads: int | None = None) -> Measure:
    """Feed `frames` through a real Segmenter; only capture and the segmenter are timed."""
    spool = Spool(workdir / f"{source}-{threads}")
    segmenter = BenchSegmenter(spool, StationIdentity(1, Ed25519PrivateKey.generate()), source, fps=fps,
                               segment_seconds=60)
    segmenter.threads = threads
    label = "Рабочее место 3 — Соколов Д. О."
    wall = cpu = 0.0
    for i in range(frames):
        prepare(i)
        w0, c0 = time.perf_counter(), time.process_time()
        data, pixel_format = capture(i)
        segmenter.add(Frame(data, WIDTH, HEIGHT, pixel_format, START + dt.timedelta(seconds=i / fps)), label)
        wall, cpu = wall + time.perf_counter() - w0, cpu + time.process_time() - c0
    w0, c0 = time.perf_counter(), time.process_time()
    segmenter.close_recording(START + dt.timedelta(seconds=frames / fps))
    wall, cpu = wall + time.perf_counter() - w0, cpu + time.process_time() - c0
    return Measure(frames, fps, wall, cpu, sum(entry.size for entry in spool.pending()))


def report(title: str, m: Measure) -> None:
    print(f"  {title:<44} {m.frames_per_second:6.1f} кадр/с  ×{m.realtime_ratio:5.2f} к реальному времени  "
          f"CPU {m.cpu_share:5.3f} с на 1 с видео  потоков на ядро: {streams_per_core(m.cpu_share):>2}  "
          f"{bytes_per_hour(m.size, m.video_seconds) / 1e6:6.0f} МБ в час")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60, help="секунд видео на источник (60 = один сегмент)")
    parser.add_argument("--fps", type=int, default=10)
    parser.add_argument("--threads", type=int, default=None,
                        help="потоков libvpx (по умолчанию — как задаёт станция); 1 — сравнить однопоточное")
    args = parser.parse_args()
    frames, threads = args.seconds * args.fps, args.threads
    print(f"Запись {WIDTH}×{HEIGHT}, {args.fps} кадр/с, {args.seconds} с видео на источник (VP8 libvpx realtime "
          f"cpu-used 8, потоков libvpx: {threads or 'как у станции'}, сегменты 60 с, наложение времени и подписи, "
          f"подпись Ed25519)")
    print(f"Нагрузка машины (load average за минуту): {os.getloadavg()[0]:.1f} на {os.cpu_count()} ядрах — "
          "от неё зависят кадр/с, доля CPU от неё почти не зависит")
    with tempfile.TemporaryDirectory(prefix="nok-bench-rec-") as tmp:
        workdir = Path(tmp)
        camera = Prepared(lambda i, pictures=webcam_frames(frames): next(pictures))
        report("веб-камера (синтетика с шумом)", measure(workdir, "webcam", frames, args.fps, camera.prepare,
                                                         camera.capture, threads))
        try:
            with XvfbScreen(workdir) as screen:
                def prepare(i: int) -> None:
                    if i % args.fps == 0:
                        screen.show(i // args.fps)

                shot = measure(workdir, "screen", frames, args.fps, prepare, lambda i: screen.grab(), threads)
                report(f"экран (mss, {screen.note})", shot)
        except (RuntimeError, OSError) as ex:
            pages = Prepared(lambda i: np.repeat(np.asarray(screen_page(i // args.fps).convert("L"))[:, :, None], 3, 2))
            report(f"экран (кадры-страницы без mss: {ex})", measure(workdir, "screen", frames, args.fps,
                                                                    pages.prepare, pages.capture, threads))
    print("≥ 1.0 к реальному времени — поток успевает; потоков на ядро = ⌊1 ÷ доля CPU⌋.")


if __name__ == "__main__":
    main()
