"""The pure helpers of bench/recording.py and its sources (no encoding: that is the bench's job)."""
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "recording.py"
spec = importlib.util.spec_from_file_location("bench_recording", BENCH)
recording = sys.modules.setdefault("bench_recording", importlib.util.module_from_spec(spec))
spec.loader.exec_module(recording)  # registered first: its dataclasses look their module up


@pytest.mark.parametrize("share, streams", [(0.151, 6), (0.5, 2), (0.26, 3), (1.0, 1), (1.4, 0), (0.0, 0)])
def test_streams_per_core(share, streams):
    assert recording.streams_per_core(share) == streams


def test_bytes_per_hour():
    assert recording.bytes_per_hour(7_500_000, 60) == 450_000_000  # one 60-second segment × 60
    assert recording.bytes_per_hour(1_000, 10) == 360_000


def test_measure_ratios():
    m = recording.Measure(frames=600, fps=10, wall=20.0, cpu=9.0, size=7_500_000)
    assert m.video_seconds == 60 and m.frames_per_second == 30 and m.realtime_ratio == 3
    assert m.cpu_share == pytest.approx(0.15)


def test_free_display_skips_taken_ones(tmp_path):
    (tmp_path / ".X11-unix").mkdir()
    (tmp_path / ".X90-lock").touch()
    (tmp_path / ".X11-unix" / "X91").touch()
    assert recording.free_display(90, 100, tmp_path) == 92
    with pytest.raises(RuntimeError, match="нет свободного"):
        recording.free_display(90, 92, tmp_path)


def test_webcam_frames_move_and_are_noisy():
    first, second = list(recording.webcam_frames(2))
    assert first.shape == (720, 1280, 3) and first.dtype == np.uint8
    assert (first != second).mean() > 0.5  # noise on most pixels, like a camera
    assert np.abs(first.astype(int) - second.astype(int)).max() > 40  # and the figure moves


def test_screen_pages_change_in_a_region_only():
    a, b = (np.asarray(recording.screen_page(s)) for s in (0, 1))
    assert a.shape == (720, 1280)
    changed = a != b
    assert 0 < changed.mean() < 0.02  # the countdown changes, the page stays
    assert not changed[60:].any()  # below the header nothing changed within the same question
