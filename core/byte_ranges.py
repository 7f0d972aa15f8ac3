"""Parts of a stored file for a player that seeks (HTTP `Range: bytes=…`, RFC 9110 §14).

A <video> element asks for byte ranges as it seeks; answering them lets it jump inside a long
file without fetching the whole of it. The blob store decrypts chunk by chunk, so the part is
cut out of that stream and never held in memory. Shared by every resource that serves video
(the group videos of the ЦОК, the segments of the video_capture plugin) through `send`, which
works on falcon's request and response without core importing the web framework.
"""
from __future__ import annotations

from typing import Callable, Iterator

PARTIAL, NOT_SATISFIABLE = 206, 416


class RangeNotSatisfiable(Exception):
    """The asked range lies outside the file: answer 416 with `Content-Range: bytes */size`."""


def requested_span(asked: tuple[int, int] | None, size: int) -> tuple[int, int] | None:
    """First and last byte (inclusive) of `asked` — falcon's ``req.range`` — in a file of `size`
    bytes; None when no range was asked (the whole file). A suffix range (``-500``) counts from
    the end, an open one (``100-``) runs to the end."""
    if asked is None:
        return None
    first, last = asked
    start, end = (max(0, size + first), size - 1) if first < 0 else (first, size - 1 if last < 0 else last)
    end = min(end, size - 1)
    if start >= size or start > end:
        raise RangeNotSatisfiable(f"bytes */{size}")
    return start, end


def byte_slice(chunks: Iterator[bytes], start: int, end: int) -> Iterator[bytes]:
    """Bytes `start`…`end` (inclusive) of a chunked stream; the source is closed when done."""
    position = 0
    try:
        for chunk in chunks:
            following = position + len(chunk)
            if following > start:
                yield chunk[max(0, start - position):min(len(chunk), end + 1 - position)]
            position = following
            if position > end:
                break
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


def send(req, resp, size: int, open_chunks: Callable[[], Iterator[bytes]],
         open_range: Callable[[int, int], Iterator[bytes]] | None = None) -> int | None:
    """Answer a GET of a stored file of `size` bytes: whole (200), the asked range (206) or 416.

    `open_chunks` is called only when bytes are sent (it may raise «not found» before any is);
    `open_range(start, end)`, when given, serves a range without reading the bytes before it
    (`BlobStore.open_range`: seeking far into an hours-long recording stays instant).
    Returns the first byte sent — 0 means a player starts watching, worth auditing — or None
    when the range could not be satisfied.
    """
    try:
        span = requested_span(req.range if req.range_unit in (None, "bytes") else None, size)
    except RangeNotSatisfiable as ex:
        resp.status = NOT_SATISFIABLE
        resp.set_header("Content-Range", str(ex))
        return None
    start, end = span or (0, size - 1)
    resp.accept_ranges = "bytes"
    if span is not None:
        resp.status = PARTIAL
        resp.content_range = (start, end, size)
        resp.stream = open_range(start, end) if open_range else byte_slice(open_chunks(), start, end)
    else:
        resp.stream = open_chunks()
    resp.content_length = end - start + 1 if size else 0
    return start
