"""Station segments: synthetic frames → overlay → WebM/VP8 files that decode back, chained and signed."""
from __future__ import annotations

import datetime as dt
import json

import av
import numpy as np
import pytest

from core.exceptions import ConfigError
from core.providers import Frame
from plugins.video_capture.chain import GENESIS, chain_problems, file_sha256, signature_valid
from plugins.video_capture.overlay import box_origin, font_size_for, local_timestamp, render_box
from plugins.video_capture.segmenter import Segmenter, frame_to_bgr
from plugins.video_capture.spool import Spool

from station_kit import LABEL, make_station, public_hex, record_synthetic

START = dt.datetime(2026, 11, 23, 10, 0, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def station(tmp_path):
    folder = tmp_path / "station"
    return folder, make_station(folder, "http://127.0.0.1:9")


def decode(path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        assert container.streams.video[0].codec_context.name == "vp8"
        return [frame.to_ndarray(format="bgr24") for frame in container.decode(video=0)]


def flat_frame(moment: dt.datetime, width: int = 64, height: int = 48, value: int = 200) -> Frame:
    return Frame(bytes([value]) * (width * height * 3), width, height, "bgr24", moment)


def test_synthetic_recording_becomes_decodable_segments(station):
    folder, identity = station
    spool = record_synthetic(folder, identity, frames=25, width=160, height=120)
    entries = spool.pending()
    assert [e.manifest.seq for e in entries] == [0, 1, 2]
    assert [e.manifest.frames for e in entries] == [10, 10, 5]
    for entry in entries:
        pictures = decode(entry.file)
        assert len(pictures) == entry.manifest.frames
        assert {p.shape for p in pictures} == {(120, 160, 3)}
        assert (entry.manifest.width, entry.manifest.height) == (160, 120)
        assert entry.manifest.source == "synthetic" and entry.manifest.label == LABEL
        with av.open(str(entry.file)) as container:
            assert container.format.name.split(",")[0] in ("matroska", "webm")
    assert list(spool.tmp.iterdir()) == []


def test_manifests_are_chained_signed_and_match_the_files(station):
    folder, identity = station
    entries = record_synthetic(folder, identity, frames=30).pending()
    manifests = [e.manifest for e in entries]
    assert len({m.recording for m in manifests}) == 1
    assert manifests[0].prev_sha256 == GENESIS
    for previous, current in zip(manifests, manifests[1:]):
        assert current.prev_sha256 == previous.sha256
        assert current.started_at == previous.ended_at  # the next segment's first frame ends the previous
    assert chain_problems(manifests) == []
    for entry in entries:
        with open(entry.file, "rb") as segment:
            assert file_sha256(segment) == entry.manifest.sha256
        assert signature_valid(entry.manifest, entry.signature, public_hex(identity))
        assert entry.manifest.station == 7
    tampered = entries[1].manifest.__class__(**{**entries[1].manifest.to_dict(), "frames": 99})
    assert not signature_valid(tampered, entries[1].signature, public_hex(identity))
    note = json.loads((folder / "spool" / "recordings" / f"{manifests[0].recording}.json").read_text())
    assert note["label"] == LABEL and note["closed"] and not note["created"]


def test_overlay_draws_time_and_cyrillic_label_into_the_picture(station):
    folder, identity = station
    entry = record_synthetic(folder, identity, frames=5, width=320, height=240).pending()[0]
    picture = decode(entry.file)[0]
    box = render_box((local_timestamp(dt.datetime.fromisoformat(entry.manifest.started_at)), LABEL),
                     font_size_for(240))
    top, left = box_origin(240, box)
    inside = picture[top + 2:top + box.shape[0] - 2, left + 2:min(320, left + box.shape[1]) - 2].astype(int)
    dark = (inside.max(axis=2) < 60).mean()
    light = (inside.min(axis=2) > 170).mean()
    assert dark > 0.6 and light > 0.03, (dark, light)  # the box and its white letters survived encoding
    # outside the box the synthetic gradient is neither dark nor white
    above = picture[top - 30:top - 10, left:left + 100].astype(int)
    assert (above.max(axis=2) < 60).mean() < 0.05
    # the label really has Cyrillic glyphs: a Latin-only rendering of the same length differs
    assert not np.array_equal(render_box(("x", LABEL), 20), render_box(("x", "?" * len(LABEL)), 20))


def test_faster_source_is_thinned_to_the_target_rate_on_its_timeline(station):
    folder, identity = station
    spool = Spool(folder / "spool")
    segmenter = Segmenter(spool, identity, "webcam", fps=10, segment_seconds=2)
    kept = [segmenter.add(flat_frame(START + dt.timedelta(seconds=i / 30)), LABEL) is not None for i in range(59)]
    segmenter.close_recording()
    assert sum(kept) == 20
    (entry,) = spool.pending()
    assert entry.manifest.frames == 20 == len(decode(entry.file))
    assert entry.manifest.started_at == "2026-11-23T10:00:00.000Z"
    assert entry.manifest.ended_at == "2026-11-23T10:00:02.000Z"  # slot 19 lasts until 2 s


def test_size_change_starts_a_segment_label_change_a_recording_and_clock_jump_back_is_visible(station):
    folder, identity = station
    spool = Spool(folder / "spool")
    segmenter = Segmenter(spool, identity, "screen", fps=10, segment_seconds=60)
    segmenter.add(flat_frame(START), "Рабочее место 3")
    segmenter.add(flat_frame(START + dt.timedelta(seconds=0.1)), LABEL)
    segmenter.add(flat_frame(START + dt.timedelta(seconds=0.2), width=80, height=60), LABEL)
    segmenter.add(flat_frame(START - dt.timedelta(seconds=5), width=80, height=60), LABEL)
    segmenter.close_recording()
    manifests = [e.manifest for e in spool.pending()]
    first = manifests[0].recording
    assert [(m.recording == first, m.seq, m.label, m.width) for m in manifests] == [
        (True, 0, "Рабочее место 3", 64), (False, 0, LABEL, 64), (False, 1, LABEL, 80), (False, 2, LABEL, 80)]
    assert [p.message for p in chain_problems(manifests[1:])] == ["Время сегмента раньше конца предыдущего"]
    notes = sorted(json.loads(path.read_text())["label"] for path in spool.recordings.iterdir())
    assert notes == ["Рабочее место 3", LABEL]


def test_odd_sizes_and_pixel_formats_become_even_bgr(station):
    frame = Frame(bytes(range(4)) * (7 * 5), 7, 5, "bgra", START)
    image = frame_to_bgr(frame)
    assert image.shape == (4, 6, 3) and image.flags.writeable and image.flags.c_contiguous
    assert image[0, 0].tolist() == [0, 1, 2]
    rgb = frame_to_bgr(Frame(bytes([1, 2, 3]) * 4, 2, 2, "rgb24", START))
    assert rgb[0, 0].tolist() == [3, 2, 1]
    with pytest.raises(ConfigError, match="не поддерживается"):
        frame_to_bgr(Frame(b"\0" * 8, 2, 2, "yuyv422", START))


def test_a_run_killed_mid_segment_leaves_only_temp_files_that_the_next_run_clears(station):
    folder, identity = station
    spool = Spool(folder / "spool")
    segmenter = Segmenter(spool, identity, "synthetic", fps=10, segment_seconds=1)
    for i in range(15):
        segmenter.add(flat_frame(START + dt.timedelta(seconds=i / 10)), LABEL)
    # no close: as if the process died here
    assert len(spool.pending()) == 1 and len(list(spool.tmp.iterdir())) == 1
    assert Spool(folder / "spool").clear_temp() == 1
    assert len(spool.pending()) == 1 and list(spool.tmp.iterdir()) == []
