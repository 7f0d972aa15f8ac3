"""The recorders: synthetic frames, the screen under Xvfb, an IP camera stream over HTTP, a missing webcam."""
from __future__ import annotations

import datetime as dt
import functools
import http.server
import shutil
import subprocess
import threading
import time

import av
import numpy as np
import pytest

from core.exceptions import ConfigError, TransientError
from core.testing import free_port
from plugins.video_capture.capture import Binding, CaptureLoop, LiveState
from plugins.video_capture.providers import (NetworkCameraRecorder, ScreenRecorder, SyntheticRecorder,
                                             WebcamRecorder)
from plugins.video_capture.segmenter import Segmenter
from plugins.video_capture.spool import Spool

from station_kit import make_station, record_synthetic, xvfb_display  # noqa: F401


def pixels(frame) -> np.ndarray:
    channels = 4 if frame.pixel_format == "bgra" else 3
    return np.frombuffer(frame.data, np.uint8).reshape(frame.height, frame.width, channels)


def test_synthetic_source_gives_moving_utc_frames_and_ends():
    with SyntheticRecorder({"width": 320, "height": 180, "fps": 10, "frames": 3, "realtime": "false"}) as source:
        frames = [source.read_frame() for _ in range(3)]
        assert source.read_frame() is None
    assert [(f.width, f.height, f.pixel_format) for f in frames] == [(320, 180, "bgr24")] * 3
    assert all(f.captured_at.utcoffset() == dt.timedelta(0) for f in frames)
    assert [(b.captured_at - a.captured_at).total_seconds() for a, b in zip(frames, frames[1:])] == [0.1, 0.1]
    first, second = pixels(frames[0]), pixels(frames[1])
    assert first.shape == (180, 320, 3) and not np.array_equal(first, second)  # the block moves, the clock ticks


def test_synthetic_source_keeps_real_time_by_default():
    with SyntheticRecorder({"width": 64, "height": 48, "fps": 20, "frames": 6}) as source:
        started = time.monotonic()
        frames = [source.read_frame() for _ in range(6)]
    assert time.monotonic() - started >= 0.2
    assert (frames[-1].captured_at - frames[0].captured_at).total_seconds() >= 0.2
    assert SyntheticRecorder().settings == {}  # defaults: 1280×720, 10 fps, endless


@pytest.mark.parametrize("settings, message", [
    ({"width": "wide"}, "Ширина кадра: ожидается целое число"),
    ({"height": 5}, "Высота кадра: допустимы целые числа от 16"),
    ({"fps": True}, "Частота кадров"),
])
def test_synthetic_source_refuses_bad_settings(settings, message):
    with pytest.raises(ConfigError, match=message):
        SyntheticRecorder(settings).open()


def test_missing_webcam_is_transient_with_a_russian_message():
    camera = WebcamRecorder({"index": 57})
    with pytest.raises(TransientError, match="Веб-камера № 57 недоступна"):
        camera.open()
    camera.close()
    camera.close()  # idempotent
    with pytest.raises(TransientError, match="не открыта"):
        camera.read_frame()
    with pytest.raises(ConfigError, match="Номер веб-камеры"):
        WebcamRecorder({"index": "первая"}).open()


@pytest.mark.parametrize("url", ["", "ftp://camera/stream", "rtsp://", "/dev/video0"])
def test_network_camera_needs_a_stream_url(url):
    with pytest.raises(ConfigError, match="Адрес IP-камеры"):
        NetworkCameraRecorder({"url": url}).open()


def test_unreachable_network_camera_is_transient_and_hides_the_password():
    port = free_port()
    with pytest.raises(TransientError) as caught:
        NetworkCameraRecorder({"url": f"http://admin:secret@127.0.0.1:{port}/video"}).open()
    assert f"IP-камера 127.0.0.1:{port} недоступна" in str(caught.value) and "secret" not in str(caught.value)


def test_network_camera_reads_an_http_stream(tmp_path):
    folder = tmp_path / "station"
    spool = record_synthetic(folder, make_station(folder, "http://127.0.0.1:9"), frames=8, width=320, height=240)
    (entry,) = spool.pending()
    handler = functools.partial(QuietFiles, directory=str(entry.folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        camera = NetworkCameraRecorder({"url": f"http://127.0.0.1:{server.server_port}/segment.webm"})
        with camera:
            frames = [camera.read_frame() for _ in range(8)]
            with pytest.raises(TransientError, match="поток прервался"):
                camera.read_frame()  # the stream ended
    finally:
        server.shutdown()
        server.server_close()
    assert {(f.width, f.height, f.pixel_format) for f in frames} == {(320, 240, "bgr24")}
    assert not np.array_equal(pixels(frames[0]), pixels(frames[7]))


class QuietFiles(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_screen_under_xvfb(xvfb_display):  # noqa: F811
    if shutil.which("xsetroot"):
        subprocess.run(["xsetroot", "-solid", "#2040c0"], check=True)
    with ScreenRecorder({"monitor": 1, "fps": 50}) as screen:
        frames = [screen.read_frame() for _ in range(3)]
    assert {(f.width, f.height, f.pixel_format) for f in frames} == {(1280, 720, "bgra")}
    assert all(f.captured_at.tzinfo is dt.timezone.utc for f in frames)
    if shutil.which("xsetroot"):
        assert pixels(frames[-1])[360, 640, :3].tolist() == [0xC0, 0x40, 0x20]  # BGR of the root colour
    with ScreenRecorder({"region": {"left": 100, "top": 50, "width": 321, "height": 200}}) as screen:
        part = screen.read_frame()
    assert (part.width, part.height) == (321, 200)


def test_screen_problems_are_russian(xvfb_display, monkeypatch):  # noqa: F811
    with pytest.raises(TransientError, match="Монитор № 5 не найден: подключено мониторов — 1"):
        ScreenRecorder({"monitor": 5}).open()
    with pytest.raises(ConfigError, match="выходит за пределы монитора 1280×720"):
        ScreenRecorder({"region": {"left": 1000, "top": 0, "width": 400, "height": 100}}).open()
    with pytest.raises(ConfigError, match="Номер монитора"):
        ScreenRecorder({"monitor": -1}).open()
    monkeypatch.setenv("DISPLAY", ":4242")
    with pytest.raises(TransientError, match="Экран недоступен"):
        ScreenRecorder().open()


def test_screen_recording_under_xvfb_becomes_segments(xvfb_display, tmp_path):  # noqa: F811
    folder = tmp_path / "station"
    identity = make_station(folder, "http://127.0.0.1:9")
    spool = Spool(folder / "spool")
    segmenter = Segmenter(spool, identity, "screen", fps=10, segment_seconds=0.5)
    recorder = ScreenRecorder({"fps": 10, "region": {"left": 0, "top": 0, "width": 320, "height": 240}})
    loop = CaptureLoop(recorder, segmenter, LiveState(Binding(None, None, "Рабочее место 3")), threading.Event(),
                       duration=1.2)
    assert loop.run() >= 2
    for entry in spool.pending():
        with av.open(str(entry.file)) as container:
            decoded = list(container.decode(video=0))
        assert len(decoded) == entry.manifest.frames >= 1
        assert (decoded[0].width, decoded[0].height) == (320, 240)
