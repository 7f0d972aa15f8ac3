"""«Загрузить видео» on the group page: upload streamed to the blob store, playback by ranges, refusals, isolation."""
import hashlib
import html
import random
import tracemalloc

import falcon.testing
import pytest
from exam_world import setup  # noqa: F401 (fixtures)

from core.models import AuditRecord, GroupVideo
from core.workflow import Status

MP4_HEAD = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


def video_bytes(size: int = 200_000) -> bytes:
    return MP4_HEAD + random.Random(7).randbytes(size)


def upload(web, group, data, name="зал 1.mp4", kind="theory", cabinet="cok"):
    web.get(f"/cabinet/{cabinet}/{kind}/{group.id}")
    return web.upload(f"/cabinet/{cabinet}/{kind}/{group.id}/videos", files={"video": (name, data, "video/mp4")})


@pytest.mark.parametrize("kind", ["theory", "practice"])
def test_upload_lists_and_plays_the_video(setup, cok_web, kind):
    group = setup.group(kind=kind)
    data = video_bytes()
    page = upload(cok_web, group, data, kind=kind)
    assert page.status_code == 303 and page.headers["location"] == f"/cabinet/cok/{kind}/{group.id}#videos"
    video = GroupVideo.get(GroupVideo.group == group.id)
    listing = html.unescape(cok_web.get(f"/cabinet/cok/{kind}/{group.id}").text)
    videos = listing.split('data-testid="videos"', 1)[1].split("</table>", 1)[0]
    assert "зал 1.mp4" in videos and "195 КБ" in videos and "Попов Андрей Сергеевич" in videos
    url = f"/cabinet/cok/{kind}/{group.id}/videos/{video.id}"
    assert f'href="{url}?download=1"' in videos
    played = cok_web.get(url)
    assert played.status_code == 200 and played.content == data
    assert played.headers["content-type"] == "video/mp4" and played.headers["accept-ranges"] == "bytes"
    assert played.headers["content-disposition"].startswith("inline")
    assert cok_web.get(url + "?download=1").headers["content-disposition"].startswith("attachment")
    assert AuditRecord.select().where((AuditRecord.action == "view") & (AuditRecord.entity == "group_video")).exists()


def test_byte_ranges_for_the_player(setup, cok_web):
    group = setup.group()
    data = video_bytes()
    upload(cok_web, group, data)
    url = f"/cabinet/cok/theory/{group.id}/videos/{GroupVideo.get().id}"
    part = cok_web.get(url, headers={"Range": "bytes=100000-100099"})
    assert part.status_code == 206 and part.content == data[100000:100100]
    assert part.headers["content-range"] == f"bytes 100000-100099/{len(data)}"
    tail = cok_web.get(url, headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.content == data[-10:]
    rest = cok_web.get(url, headers={"Range": "bytes=199990-"})
    assert rest.status_code == 206 and rest.content == data[199990:]
    beyond = cok_web.get(url, headers={"Range": f"bytes={len(data)}-"})
    assert beyond.status_code == 416 and beyond.headers["content-range"] == f"bytes */{len(data)}"


def test_not_a_video_is_refused_next_to_the_field(setup, cok_web):
    group = setup.group()
    page = upload(cok_web, group, PNG * 10, name="фото.mp4")
    assert page.status_code == 422
    text = html.unescape(page.text)
    assert 'id="video-error"' in text and "Файл «фото.mp4» не является видеозаписью" in text
    assert "MP4, MOV, WebM, MKV или AVI" in text
    cok_web.get(f"/cabinet/cok/theory/{group.id}")
    empty = cok_web.upload(f"/cabinet/cok/theory/{group.id}/videos", fields={"note": "без файла"})
    assert empty.status_code == 422 and "Выберите файл видеозаписи." in html.unescape(empty.text)
    assert not GroupVideo.select().exists()


def test_venue_staff_upload_and_other_cok_gets_404(setup, venue_web, stranger_web, cok_web):
    group = setup.group()
    assert upload(venue_web, group, video_bytes(1000), cabinet="venue").status_code == 303
    video = GroupVideo.get()
    base = f"/cabinet/cok/theory/{group.id}/videos"
    stranger_web.get("/cabinet/cok/theory")
    assert stranger_web.get(f"{base}/{video.id}").status_code == 404
    assert stranger_web.upload(base, files={"video": ("x.mp4", video_bytes(10), "video/mp4")}).status_code == 404
    assert stranger_web.post(f"{base}/{video.id}/delete").status_code == 404
    assert GroupVideo.select().count() == 1
    other = setup.group()
    assert cok_web.get(f"/cabinet/cok/theory/{other.id}/videos/{video.id}").status_code == 404


def test_delete_until_the_results_are_sent(setup, cok_web):
    group = setup.group()
    member, = setup.assign(group, "Соколов Дмитрий Олегович")
    upload(cok_web, group, video_bytes(1000), name="первое.mp4")
    upload(cok_web, group, video_bytes(2000), name="второе.mp4")
    first, second = GroupVideo.select().order_by(GroupVideo.id)
    page = cok_web.post(f"/cabinet/cok/theory/{group.id}/videos/{first.id}/delete")
    assert page.status_code == 303 and GroupVideo.get_or_none(GroupVideo.id == first.id) is None
    application = member.application
    application.status = Status.SENT_TO_SPK.value
    application.save()
    shown = cok_web.get(f"/cabinet/cok/theory/{group.id}")
    assert f"/videos/{second.id}/delete" not in shown.text
    refused = cok_web.post(f"/cabinet/cok/theory/{group.id}/videos/{second.id}/delete")
    assert refused.status_code == 422 and "переданы в СПК" in html.unescape(refused.text)
    assert GroupVideo.get_or_none(GroupVideo.id == second.id) is not None


class LazyMultipart:
    """A multipart body made while it is read: the test itself never holds the file in memory."""

    def __init__(self, boundary: str, filename: str, size: int):
        self.head = (f'--{boundary}\r\nContent-Disposition: form-data; name="video"; filename="{filename}"\r\n'
                     "Content-Type: video/mp4\r\n\r\n").encode() + MP4_HEAD
        self.tail = f"\r\n--{boundary}--\r\n".encode()
        self.left = size - len(MP4_HEAD)
        self.length = len(self.head) + self.left + len(self.tail)
        self.rng = random.Random(11)
        self.digest = hashlib.sha256(MP4_HEAD)
        self.buffer = b""

    def read(self, size: int = -1) -> bytes:
        size = 1 << 16 if size is None or size < 0 else size
        while len(self.buffer) < size and (self.head or self.left or self.tail):
            if self.head:
                self.buffer, self.head = self.buffer + self.head, b""
            elif self.left:
                block = self.rng.randbytes(min(self.left, 1 << 16))
                self.digest.update(block)
                self.left -= len(block)
                self.buffer += block
            else:
                self.buffer, self.tail = self.buffer + self.tail, b""
        out, self.buffer = self.buffer[:size], self.buffer[size:]
        return out


def test_a_30_mb_upload_streams_in_bounded_memory_and_comes_back_identical(setup, cok_web, app):
    group = setup.group()
    cok_web.get(f"/cabinet/cok/theory/{group.id}")
    body = LazyMultipart("----nokvideo", "экзамен.mp4", 30 * 1024 * 1024)
    environ = falcon.testing.create_environ(
        path=f"/cabinet/cok/theory/{group.id}/videos", query_string=f"csrf_token={cok_web.csrf}", method="POST",
        headers={"Content-Type": "multipart/form-data; boundary=----nokvideo", **cok_web._headers()})
    environ["wsgi.input"], environ["CONTENT_LENGTH"] = body, str(body.length)
    answer = {}
    tracemalloc.start()
    try:
        b"".join(app(environ, lambda status, headers, exc_info=None: answer.setdefault("status", status)))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert answer["status"].startswith("303"), answer
    assert peak < 20 * 1024 * 1024, f"upload peak memory {peak / 2 ** 20:.1f} MiB"
    video = GroupVideo.get(GroupVideo.group == group.id)
    assert video.size == 30 * 1024 * 1024
    download = cok_web.get(f"/cabinet/cok/theory/{group.id}/videos/{video.id}?download=1")
    assert hashlib.sha256(download.content).hexdigest() == body.digest.hexdigest() == video.digest
