"""The station's local spool: finished segments wait here until the appliance has stored them.

A finished segment is never lost, so it enters the spool in one atomic step: the encoder writes
``tmp/<name>/segment.webm``, the manifest and signature go next to it as ``manifest.json``, both
are synced, and the directory is renamed into ``segments/<name>``. A crash before the rename
leaves only a half-written segment in ``tmp/`` (the one being recorded, cleared at the next
start); after it, the whole segment is there. Names sort in recording order.

``recordings/<uuid>.json`` tells the uploader which recordings to create at the appliance
(before their segments). A segment the appliance rejects moves to ``failed/`` with the reason
in ``problem.txt``: kept for a person to look at, never deleted silently.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plugins.video_capture.chain import SegmentManifest
from plugins.video_capture.station_keys import sync_directory, write_atomic

SEGMENT_FILE = "segment.webm"
MANIFEST_FILE = "manifest.json"
PROBLEM_FILE = "problem.txt"
STATUS_FILE = "status.json"


@dataclass(frozen=True)
class SpoolEntry:
    """One finished segment in the spool: its folder, manifest and signature."""

    folder: Path
    manifest: SegmentManifest
    signature: str

    @property
    def name(self) -> str:
        return self.folder.name

    @property
    def file(self) -> Path:
        return self.folder / SEGMENT_FILE

    @property
    def size(self) -> int:
        return self.file.stat().st_size


class Spool:
    """The spool directory of one station (see the module docstring for the layout)."""

    def __init__(self, root: Path):
        self.root = root
        self.segments = root / "segments"
        self.recordings = root / "recordings"
        self.failed = root / "failed"
        self.tmp = root / "tmp"
        self._notes = threading.Lock()  # the capture loop and the uploader both update recording notes
        for folder in (self.segments, self.recordings, self.failed, self.tmp):
            folder.mkdir(parents=True, exist_ok=True)

    # --- writing (the capture loop) ----------------------------------------------------------

    def clear_temp(self) -> int:
        """Remove half-written segments of a run that was killed; return how many there were."""
        stale = list(self.tmp.iterdir())
        for path in stale:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        return len(stale)

    def new_segment_folder(self, recording: str, seq: int) -> Path:
        """A fresh temp folder for the segment being encoded; its name fixes the spool order."""
        folder = self.tmp / f"{time.time_ns():020d}-{recording}-{seq:06d}"
        folder.mkdir()
        return folder

    def commit(self, folder: Path, manifest: SegmentManifest, signature: str) -> SpoolEntry:
        """Move a finished segment (its file already synced) into the spool in one rename."""
        meta = json.dumps({"manifest": manifest.to_dict(), "signature": signature}, ensure_ascii=False).encode()
        write_atomic(folder / MANIFEST_FILE, meta)
        target = self.segments / folder.name
        os.rename(folder, target)
        sync_directory(self.segments)
        sync_directory(self.tmp)
        return SpoolEntry(target, manifest, signature)

    def add_recording(self, uuid: str, source: str, label: str, started_at: str) -> None:
        """Note a new recording so the uploader creates it at the appliance before its segments."""
        note = {"uuid": uuid, "source": source, "label": label, "started_at": started_at, "created": False,
                "closed": False}
        with self._notes:
            self._write_json(self.recordings / f"{uuid}.json", note)

    def close_recording(self, uuid: str) -> None:
        self._update_recording(uuid, closed=True)

    # --- reading (the uploader) --------------------------------------------------------------

    def pending(self) -> list[SpoolEntry]:
        """Finished segments not yet stored by the appliance, oldest first.

        A folder whose description cannot be read (a damaged disk) is set aside with the reason
        rather than blocking the queue or being dropped.
        """
        entries = []
        for folder in sorted(self.segments.iterdir()):
            try:
                entry = self._read_entry(folder)
            except (ValueError, KeyError, TypeError) as ex:
                self._set_folder_aside(folder, f"Описание сегмента в очереди повреждено: {ex}")
                continue
            if entry is not None:
                entries.append(entry)
        return entries

    def failed_entries(self) -> list[Path]:
        return sorted(path for path in self.failed.iterdir() if path.is_dir())

    def pending_recordings(self) -> list[dict[str, Any]]:
        """Recordings not yet created at the appliance, in the order they started."""
        found = [self._read_json(path) for path in self.recordings.glob("*.json")]
        return sorted((info for info in found if info and not info.get("created")), key=lambda i: i["started_at"])

    def recording(self, uuid: str) -> dict[str, Any] | None:
        return self._read_json(self.recordings / f"{uuid}.json")

    def mark_created(self, uuid: str) -> None:
        self._update_recording(uuid, created=True)

    def remove(self, entry: SpoolEntry) -> None:
        """Forget a segment the appliance answered «stored»."""
        shutil.rmtree(entry.folder)
        sync_directory(self.segments)

    def set_aside(self, entry: SpoolEntry, problem: str) -> Path:
        """Move a rejected segment to ``failed/`` with the appliance's reason next to it."""
        return self._set_folder_aside(entry.folder, problem)

    def _set_folder_aside(self, folder: Path, problem: str) -> Path:
        (folder / PROBLEM_FILE).write_text(problem + "\n", encoding="utf-8")
        target = self.failed / folder.name
        os.rename(folder, target)
        sync_directory(self.failed)
        sync_directory(self.segments)
        return target

    def prune_recordings(self) -> None:
        """Drop the notes of recordings that are created, closed and have nothing left to send."""
        waiting = {entry.manifest.recording for entry in self.pending()}
        with self._notes:
            for path in self.recordings.glob("*.json"):
                info = self._read_json(path)
                if info and info.get("created") and info.get("closed") and info["uuid"] not in waiting:
                    path.unlink()

    # --- status (for `nok station status`) ---------------------------------------------------

    def usage(self) -> tuple[int, int]:
        """How many finished segments wait and how many bytes they take."""
        entries = [path for path in self.segments.iterdir() if (path / MANIFEST_FILE).is_file()]
        return len(entries), sum((path / SEGMENT_FILE).stat().st_size for path in entries
                                 if (path / SEGMENT_FILE).is_file())

    def note_upload(self, entry: SpoolEntry, verified: bool, problem: str | None) -> None:
        status = self.status()
        status.update(last_upload_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                      last_segment=f"{entry.manifest.recording} № {entry.manifest.seq}", last_verified=verified,
                      last_problem=problem, uploaded=int(status.get("uploaded", 0)) + 1)
        self._write_json(self.root / STATUS_FILE, status)

    def note_error(self, message: str | None) -> None:
        status = self.status()
        if status.get("last_error") != message:
            status["last_error"] = message
            status["last_error_at"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
            self._write_json(self.root / STATUS_FILE, status)

    def status(self) -> dict[str, Any]:
        return self._read_json(self.root / STATUS_FILE) or {}

    # --- helpers -----------------------------------------------------------------------------

    def _read_entry(self, folder: Path) -> SpoolEntry | None:
        meta = self._read_json(folder / MANIFEST_FILE)
        if meta is None or not (folder / SEGMENT_FILE).is_file():
            return None
        return SpoolEntry(folder, SegmentManifest.from_dict(meta["manifest"]), meta["signature"])

    def _update_recording(self, uuid: str, **changes: Any) -> None:
        path = self.recordings / f"{uuid}.json"
        with self._notes:
            info = self._read_json(path)
            if info is not None:
                info.update(changes)
                self._write_json(path, info)

    @staticmethod
    def _write_json(path: Path, data: dict[str, Any]) -> None:
        write_atomic(path, json.dumps(data, ensure_ascii=False, indent=1).encode())

    @staticmethod
    def _read_json(path: Path) -> dict[str, Any] | None:
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
