"""«Ваша подпись»: a drawn PNG is checked by content, stored encrypted, shown back; the page has no inline script."""
import base64
import re

import cv2
import numpy as np
import pytest

from core.models import Organisation


def png_data_url(width=600, height=200, *, blank=False, channels=4):
    canvas = np.zeros((height, width, channels), np.uint8)
    if not blank:
        cv2.line(canvas, (20, 150), (560, 40), (107, 42, 11, 255)[:channels], 3)
    ok, encoded = cv2.imencode(".png", canvas)
    assert ok
    return "data:image/png;base64," + base64.b64encode(encoded.tobytes()).decode()


def test_draw_save_show_and_remove(world, signed_in, services):
    web = signed_in("operator@cok.ru")
    page = web.get("/cabinet/cok/signature")
    assert page.status_code == 200 and "data-signature-pad" in page.text
    assert '<script src="/static/signature.js"' in page.text and not re.search(r"<script>(?!\s*</script>)", page.text)
    assert "style=" not in page.text, "никаких встроенных стилей (CSP)"
    saved = web.post("/cabinet/cok/signature", {"signature": png_data_url()})
    assert saved.status_code == 303, saved.text[:300]
    org = Organisation.get_by_id(world.orgs["cok"].id)
    assert org.facsimile_digest and services.blobs.read(org.facsimile_digest).startswith(b"\x89PNG")
    page = web.get(saved.headers["location"])
    assert "Подпись сохранена" in page.text and 'data-testid="facsimile"' in page.text
    image = web.get("/cabinet/cok/signature/image")
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")
    # another organisation's staff get their own (absent) signature, never ours
    assert signed_in("admin@yug.ru").get("/cabinet/cok/signature/image").status_code == 404
    web.get("/cabinet/cok/signature")
    assert web.post("/cabinet/cok/signature/delete").status_code == 303
    assert Organisation.get_by_id(world.orgs["cok"].id).facsimile_digest is None


@pytest.mark.parametrize(("value", "message"), [
    ("", "Нарисуйте подпись"),
    ("data:image/jpeg;base64,/9j/4AAQ", "изображением PNG"),
    ("data:image/png;base64,не-base64!", "повреждено"),
    ("data:image/png;base64," + base64.b64encode(b"%PDF-1.7 not a png").decode(), "изображением PNG"),
    ("data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 40).decode(), "недопустимый размер"),
    (png_data_url(blank=True), "Подпись пустая"),
    (png_data_url(width=5000, height=30), "недопустимый размер"),
])
def test_bad_signature_is_refused_with_a_russian_message(world, signed_in, value, message):
    web = signed_in("admin@venue.ru")
    web.get("/cabinet/venue/signature")
    page = web.post("/cabinet/venue/signature", {"signature": value})
    assert page.status_code == 422 and message in page.text
    assert 'id="signature-error"' in page.text
    assert Organisation.get_by_id(world.orgs["venue"].id).facsimile_digest is None


def test_signature_white_background_rgb_is_accepted(world, signed_in):
    canvas = np.full((200, 600, 3), 255, np.uint8)
    cv2.line(canvas, (20, 150), (560, 40), (0, 0, 0), 3)
    data = "data:image/png;base64," + base64.b64encode(cv2.imencode(".png", canvas)[1].tobytes()).decode()
    web = signed_in("admin@cok.ru")
    web.get("/cabinet/cok/signature")
    assert web.post("/cabinet/cok/signature", {"signature": data}).status_code == 303


def test_signature_script_is_generic_and_served_locally(web):
    script = web.get("/static/signature.js")
    assert script.status_code == 200
    for needle in ("pointerdown", "setPointerCapture", "data-signature-clear", "toDataURL(\"image/png\")",
                   "data-signature-pad", "signatureInput"):
        assert needle in script.text
    assert "http" not in script.text
    assert web.get("/static/signature.css").status_code == 200
