"""Frames → overlay → WebM/VP8 segments, each hashed, chained, signed and committed to the spool.

ADR 0007: every segment is a complete WebM file (PyAV, ``libvpx``, realtime deadline, yuv420p)
of ``segment_seconds``; its manifest carries the SHA-256 of the file and of the previous
segment (``GENESIS`` first) and is signed with the station key. Frames are placed on the
timeline by their capture time at the target frame rate: a faster source (a 30 fps webcam) is
thinned to it, a slower one holds its frame longer, so the video's clock is the wall clock.
A segment ends early when the frame size changes or the recording stops; a new label (another
candidate at the workstation) starts a new recording.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import uuid as uuidlib
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from core.exceptions import ConfigError
from core.providers import Frame
from plugins.video_capture.chain import GENESIS, SegmentManifest, file_sha256, sign
from plugins.video_capture.overlay import draw_overlay
from plugins.video_capture.spool import SEGMENT_FILE, Spool, SpoolEntry
from plugins.video_capture.station_keys import StationIdentity

log = logging.getLogger(__name__)

CHANNELS = {"bgr24": 3, "rgb24": 3, "bgra": 4, "bgr0": 4, "rgba": 4, "gray": 1}
DEFAULT_BITRATE = 1_000_000  # bit/s: 1280×720 at 10 fps stays legible, ~450 MB an hour
KEYFRAME_SECONDS = 5  # the player seeks within a segment to a keyframe at most this far back


def utc_iso(moment: dt.datetime) -> str:
    """Manifest time: UTC with milliseconds, one fixed width, so the strings also compare in time order."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def frame_to_bgr(frame: Frame) -> np.ndarray:
    """A writable BGR copy of the frame, cropped to even width and height (yuv420p needs them)."""
    channels = CHANNELS.get(frame.pixel_format)
    if channels is None:
        raise ConfigError(f"Формат кадра «{frame.pixel_format}» не поддерживается")
    pixels = np.frombuffer(frame.data, np.uint8).reshape(frame.height, frame.width, channels)
    pixels = pixels[: frame.height & ~1, : frame.width & ~1]
    if channels == 1:
        return np.repeat(pixels, 3, axis=2)
    if frame.pixel_format.startswith("rgb"):
        pixels = pixels[:, :, 2::-1]
    return pixels[:, :, :3].copy()  # C-contiguous and writable: the overlay is drawn on it


class SegmentEncoder:
    """One WebM/VP8 file being written; frames go in with their slot on the 1/fps timeline."""

    def __init__(self, path: Path, width: int, height: int, fps: int, bitrate: int = DEFAULT_BITRATE):
        self.path = path
        self.container = av.open(str(path), "w", format="webm")
        stream = self.container.add_stream("libvpx", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.bit_rate = bitrate
        stream.codec_context.time_base = Fraction(1, fps)
        stream.codec_context.gop_size = fps * KEYFRAME_SECONDS
        # One encoder thread: FFmpeg's default (one per core) cost 4–8× the CPU per frame here (60–70 ms
        # against 16 ms at 1280×720 on a busy 2-core machine), and a station runs a process per source.
        stream.codec_context.thread_count = 1
        stream.options = {"deadline": "realtime", "cpu-used": "8", "lag-in-frames": "0"}
        self.stream = stream

    def write(self, image: np.ndarray, slot: int) -> None:
        frame = av.VideoFrame.from_ndarray(image, format="bgr24")
        frame.pts = slot
        self.container.mux(self.stream.encode(frame))

    def close(self) -> None:
        """Flush the encoder, finish the file and sync it to disk."""
        try:
            self.container.mux(self.stream.encode(None))
        finally:
            self.container.close()
        with open(self.path, "rb+") as written:
            os.fsync(written.fileno())

    def abort(self) -> None:
        try:
            self.container.close()
        except (av.FFmpegError, OSError):
            pass


class Segmenter:
    """Cuts one source's frames into signed, chained segments of one recording after another."""

    def __init__(self, spool: Spool, identity: StationIdentity, source: str, *, fps: int = 10,
                 segment_seconds: float = 60, bitrate: int = DEFAULT_BITRATE):
        if fps < 1 or fps > 60:
            raise ConfigError("Частота кадров должна быть от 1 до 60")
        if segment_seconds <= 0:
            raise ConfigError("Длительность сегмента должна быть больше нуля")
        self.spool, self.identity, self.source = spool, identity, source
        self.fps, self.bitrate = fps, bitrate
        self.slots_per_segment = max(1, round(segment_seconds * fps))
        self.recording: str | None = None
        self.recording_label = ""
        self.seq, self.prev_sha256 = 0, GENESIS
        self.committed = 0
        self._encoder: SegmentEncoder | None = None
        self._folder: Path | None = None
        self._started: dt.datetime | None = None
        self._size = (0, 0)
        self._slot = -1
        self._frames = 0

    # --- recordings ----------------------------------------------------------------------------

    def start_recording(self, label: str, started_at: dt.datetime | None = None) -> str:
        """Begin a new recording (new UUID, seq 0, GENESIS), closing the current one."""
        self.close_recording()
        self.recording, self.recording_label = str(uuidlib.uuid4()), label
        self.seq, self.prev_sha256 = 0, GENESIS
        started = started_at or dt.datetime.now(dt.timezone.utc)
        self.spool.add_recording(self.recording, self.source, label, utc_iso(started))
        log.info("Начата запись %s (%s)", self.recording, label)
        return self.recording

    def close_recording(self, ended_at: dt.datetime | None = None) -> None:
        if self.recording is None:
            return
        self.finish_segment(ended_at)
        self.spool.close_recording(self.recording)
        self.recording = None

    # --- frames ------------------------------------------------------------------------------

    def add(self, frame: Frame, label: str) -> np.ndarray | None:
        """Overlay and encode one frame; return the picture as encoded, or ``None`` when thinned out."""
        if self.recording is not None and label != self.recording_label:
            self.close_recording(frame.captured_at)  # one recording, one label (the appliance checks it)
        if self.recording is None:
            self.start_recording(label, frame.captured_at)
        size = (frame.width & ~1, frame.height & ~1)
        if self._encoder is not None:
            slot = self._slot_of(frame.captured_at)
            if self._slot - self.fps <= slot <= self._slot:
                return None  # faster than the target rate: this moment is already in the video
            if slot < self._slot:  # the clock went back: a new segment, and the chain check will say so
                self.finish_segment()
            elif slot >= self.slots_per_segment or size != self._size:
                self.finish_segment(frame.captured_at)
        if self._encoder is None:
            self._begin_segment(frame.captured_at, size)
            slot = 0
        image = frame_to_bgr(frame)
        draw_overlay(image, frame.captured_at, label)
        self._encoder.write(image, slot)
        self._slot = slot
        self._frames += 1
        return image

    def finish_segment(self, ended_at: dt.datetime | None = None) -> SpoolEntry | None:
        """Close the file, sign its manifest and commit it to the spool (the next frame's time ends it)."""
        encoder, self._encoder = self._encoder, None
        if encoder is None:
            return None
        if self._frames == 0:  # nothing was encoded (the first frame failed): no segment, no gap
            encoder.abort()
            shutil.rmtree(self._folder, ignore_errors=True)
            return None
        try:
            encoder.close()
        except BaseException:
            encoder.abort()
            raise
        end = ended_at or self._started + dt.timedelta(seconds=(self._slot + 1) / self.fps)  # the video's end
        with open(self._folder / SEGMENT_FILE, "rb") as written:
            digest = file_sha256(written)
        manifest = SegmentManifest(
            recording=self.recording, seq=self.seq, started_at=utc_iso(self._started), ended_at=utc_iso(end),
            frames=self._frames, width=self._size[0], height=self._size[1], sha256=digest,
            prev_sha256=self.prev_sha256, station=self.identity.station, source=self.source, label=self.recording_label)
        entry = self.spool.commit(self._folder, manifest, sign(manifest, self.identity.key))
        log.info("Сегмент № %s записи %s готов: %s кадров, %s байт", self.seq, self.recording, self._frames,
                 entry.size)
        self.seq, self.prev_sha256 = self.seq + 1, digest
        self.committed += 1
        return entry

    def _begin_segment(self, moment: dt.datetime, size: tuple[int, int]) -> None:
        self._folder = self.spool.new_segment_folder(self.recording, self.seq)
        self._encoder = SegmentEncoder(self._folder / SEGMENT_FILE, size[0], size[1], self.fps, self.bitrate)
        self._started, self._size = moment, size
        self._slot, self._frames = -1, 0

    def _slot_of(self, moment: dt.datetime) -> int:
        return round((moment - self._started).total_seconds() * self.fps)
