"""The uploader: drains the spool to the appliance, in order, chunk by chunk, resuming where it stopped.

For every spooled segment it asks the appliance how many bytes it already holds and sends the
rest in chunks with ``Content-Range``; the segment leaves the spool only after the appliance
answered «stored». While the appliance is unreachable it waits with a growing pause (recording
goes on meanwhile) and tries again. A segment the appliance refuses (4xx with a Russian
reason) is set aside in ``spool/failed`` with that reason and the rest keeps flowing; a revoked
token stops uploads but deletes nothing.
"""
from __future__ import annotations

import logging
import threading
import time

from core.exceptions import TransientError
from plugins.video_capture.api_client import ApplianceClient, RejectedError, UnauthorisedError
from plugins.video_capture.spool import Spool, SpoolEntry

log = logging.getLogger(__name__)

CHUNK_SIZE = 1 << 20
MAX_CONFLICTS = 3


class SpoolUploader:
    """Moves finished segments from the spool to the appliance; see the module docstring."""

    def __init__(self, spool: Spool, client: ApplianceClient, *, chunk_size: int = CHUNK_SIZE,
                 retry_seconds: float = 1.0, max_retry_seconds: float = 30.0, poll_seconds: float = 0.5):
        self.spool, self.client = spool, client
        self.chunk_size = chunk_size
        self.retry_seconds, self.max_retry_seconds, self.poll_seconds = retry_seconds, max_retry_seconds, poll_seconds
        self.stored = 0
        self.set_aside = 0
        self.online = False

    # --- one pass ----------------------------------------------------------------------------

    def drain(self) -> int:
        """Create waiting recordings, then send every spooled segment; return how many were stored.

        Raises `TransientError` when the appliance is unreachable and `UnauthorisedError` when
        the token is refused: what is not sent stays in the spool.
        """
        for note in self.spool.pending_recordings():
            self._create(note)
        stored = 0
        for entry in self.spool.pending():
            stored += self.upload(entry)
        self.spool.prune_recordings()
        self.online = True
        self.spool.note_error(None)
        return stored

    def upload(self, entry: SpoolEntry) -> bool:
        """Send one segment, resuming; True once the appliance stored it (and it left the spool)."""
        manifest = entry.manifest
        note = self.spool.recording(manifest.recording)
        if note is not None and not note.get("created"):
            self._create(note)
        received, stored = self.client.segment_status(manifest.recording, manifest.seq)
        total = entry.size
        offset = received if 0 <= received < total else 0
        canonical, conflicts = manifest.canonical(), 0
        verified, problem = True, None  # what the appliance said of a segment it already had is not repeated
        with open(entry.file, "rb") as segment:
            while not stored:
                if offset >= total:
                    raise TransientError("Устройство получило сегмент целиком, но не подтвердило его сохранение")
                segment.seek(offset)
                chunk = segment.read(self.chunk_size)
                try:
                    reply = self.client.put_chunk(manifest.recording, manifest.seq, canonical, entry.signature,
                                                  offset, chunk, total)
                except UnauthorisedError:
                    raise
                except RejectedError as ex:
                    if ex.status in (409, 416) and conflicts < MAX_CONFLICTS:
                        conflicts += 1  # the appliance holds a different amount: continue from its count
                        offset = _resume_point(ex.body, total)
                        continue
                    place = self.spool.set_aside(entry, str(ex))
                    self.set_aside += 1
                    log.error("Сегмент № %s записи %s отклонён устройством: %s. Он сохранён в %s", manifest.seq,
                              manifest.recording, ex, place)
                    return False
                stored = bool(reply.body.get("stored"))
                if stored:
                    verified, problem = reply.body.get("verified") is not False, reply.body.get("problem")
                    break
                offset = _resume_point(reply.body, total, default=offset + len(chunk))
        self.spool.note_upload(entry, verified, problem)
        self.spool.remove(entry)
        self.stored += 1
        if problem or not verified:
            log.warning("Сегмент № %s записи %s сохранён, но не прошёл проверку: %s", manifest.seq,
                        manifest.recording, problem)
        else:
            log.info("Сегмент № %s записи %s передан", manifest.seq, manifest.recording)
        return True

    def _create(self, note: dict) -> None:
        try:
            self.client.create_recording(note["uuid"], note["source"], note["label"], note["started_at"])
        except UnauthorisedError:
            raise
        except RejectedError as ex:  # its segments will be refused too, and set aside with the reason
            log.error("Устройство не приняло запись %s: %s", note["uuid"], ex)
        self.spool.mark_created(note["uuid"])

    # --- loops -------------------------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        """Drain until `stop` is set, waiting longer after each failure (the spool keeps everything)."""
        pause = self.retry_seconds
        while not stop.is_set():
            try:
                self.drain()
                pause = self.retry_seconds
                stop.wait(self.poll_seconds)
            except (TransientError, UnauthorisedError) as ex:
                self._offline(ex, pause)
                stop.wait(pause)
                pause = min(pause * 2, self.max_retry_seconds)
            except Exception as ex:  # a full disk, a bug: the thread must live on, the spool keeps everything
                log.error("Сбой передачи сегментов: %s; повтор через %.1f с", ex, self.max_retry_seconds)
                stop.wait(self.max_retry_seconds)

    def run_until_empty(self, timeout: float) -> bool:
        """Drain until the spool is empty or `timeout` passes; True when nothing is left to send."""
        deadline, pause = time.monotonic() + timeout, self.retry_seconds
        while True:
            try:
                self.drain()
                if not self.spool.pending():
                    return True
            except (TransientError, UnauthorisedError) as ex:
                self._offline(ex, pause)
                time.sleep(max(0.0, min(pause, deadline - time.monotonic())))
                pause = min(pause * 2, self.max_retry_seconds)
            if time.monotonic() >= deadline:
                return not self.spool.pending()

    def _offline(self, ex: Exception, pause: float) -> None:
        if self.online or self.spool.status().get("last_error") != str(ex):
            log.warning("%s; сегменты остаются в очереди, повтор через %.1f с", ex, pause)
        self.online = False
        self.spool.note_error(str(ex))


def _resume_point(body: dict, total: int, default: int = 0) -> int:
    try:
        value = int(body.get("received", default))
    except (TypeError, ValueError):
        return default
    return value if 0 <= value <= total else 0
