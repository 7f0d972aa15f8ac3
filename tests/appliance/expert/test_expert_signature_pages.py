"""The expert's «Ваша подпись»: the drawn PNG is checked, stored on the expert, shown back, removed."""
import base64
import re

from expert_kit import facsimile_data_url, world  # noqa: F401 (fixtures)

from core.models import User

SIGNATURE = "/cabinet/expert/signature"


def test_draw_save_show_and_remove(world, signed_in, services):
    web = signed_in(world.expert)
    page = web.get(SIGNATURE)
    assert page.status_code == 200 and "data-signature-pad" in page.text and "Подпись ещё не нарисована" in page.text
    assert '<script src="/static/signature.js"' in page.text and not re.search(r"<script>(?!\s*</script>)", page.text)
    assert "style=" not in page.text
    assert 'class="active" aria-current="page">Ваша подпись' in page.text, "раздел меню отмечен текущим"
    saved = web.post(SIGNATURE, {"signature": facsimile_data_url()})
    assert saved.status_code == 303
    digest = User.get_by_id(world.expert.id).facsimile_digest
    assert digest and services.blobs.read(digest).startswith(b"\x89PNG")
    assert User.get_by_id(world.chair.id).facsimile_digest is None
    page = web.get(saved.headers["location"])
    assert "Подпись сохранена" in page.text and 'data-testid="facsimile"' in page.text
    image = web.get(f"{SIGNATURE}/image")
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert signed_in(world.chair).get(f"{SIGNATURE}/image").status_code == 404, "только своя подпись"
    assert web.post(f"{SIGNATURE}/delete", {}).status_code == 303
    assert User.get_by_id(world.expert.id).facsimile_digest is None
    assert "Подпись удалена" in web.get(f"{SIGNATURE}?notice=removed").text


def test_bad_drawings_are_refused_in_russian(world, signed_in):
    web = signed_in(world.expert)
    web.get(SIGNATURE)
    for value, message in (("", "Нарисуйте подпись"), ("data:image/jpeg;base64,/9j/4AAQ", "изображением PNG"),
                           ("data:image/png;base64," + base64.b64encode(b"%PDF-1.7").decode(), "изображением PNG")):
        page = web.post(SIGNATURE, {"signature": value})
        assert page.status_code == 422 and message in page.text, message
    assert User.get_by_id(world.expert.id).facsimile_digest is None


def test_only_experts_have_this_page(world, signed_in):
    staff = signed_in(world.admin)
    assert staff.get(SIGNATURE).status_code == 403
    staff.get("/cabinet/cok/signature")
    assert staff.post(SIGNATURE, {"signature": facsimile_data_url()}).status_code == 403
    assert User.get_by_id(world.admin.id).facsimile_digest is None
    assert "Ваша подпись" in staff.get("/cabinet/cok/signature").text, "ЦОК сохраняет свою страницу подписи"


def test_an_oversized_drawing_is_refused_before_parsing(world, signed_in):
    web = signed_in(world.expert)
    web.get(SIGNATURE)
    huge = web.post(SIGNATURE, {"signature": "data:image/png;base64," + "A" * (1024 * 1024 + 10)})
    assert huge.status_code == 413 and "слишком большое" in huge.text
    assert User.get_by_id(world.expert.id).facsimile_digest is None
