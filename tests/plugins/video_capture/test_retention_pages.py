"""«Хранение видеозаписей»: acts of one's own organisation only, the СПК's term with a Russian error."""
import datetime as dt
import io

from pypdf import PdfReader

from retention_kit import world  # noqa: F401 (fixture)
from core.audit import AuditRecord
from core.models import Role
from core.models.commission import Verdict
from core.workflow import Status
from plugins.video_capture import destruction
from plugins.video_capture.models import RetentionPolicy

BASE = "/p/video_capture/retention"


def destroyed(world, services):
    """One act at the venue, one at the other ЦОК's venue."""
    for venue, station, name in ((world.venue, world.workstation, "Петров Пётр Петрович"),
                                 (world.other_venue, world.other_station, "Орлова Мария Ивановна")):
        group = world.group(venue=venue)
        world.recording(group, world.candidate(group, name, Status.SENT_TO_SPK, Verdict.FAILED), station=station)
    return destruction.run(services.blobs, dt.date(2027, 6, 1))


def test_centre_and_venue_download_their_own_acts(world, services, factory, signed_in):
    ours, theirs = destroyed(world, services)
    for org in (world.cok, world.venue):
        web = signed_in(factory.user(Role.OPERATOR, org))
        page = web.get(BASE)
        assert page.status_code == 200, page.text[:500]
        assert "Акты об уничтожении персональных данных" in page.text
        assert ours.act.number in page.text and theirs.act.number not in page.text
        assert f'href="{BASE}/acts/{ours.act.id}"' in page.text and "Хранение видеозаписей" in page.text
        pdf = web.get(f"{BASE}/acts/{ours.act.id}")
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
        assert "Петров Пётр Петрович" in text
        assert web.get(f"{BASE}/acts/{theirs.act.id}").status_code == 404
        assert web.get(f"{BASE}/acts/999999").status_code == 404
    assert AuditRecord.select().where(AuditRecord.action == "download").count() == 2


def test_others_get_nothing(world, services, factory, signed_in, new_web):
    ours, _ = destroyed(world, services)
    stranger = signed_in(factory.user(Role.ADMIN, world.other_cok))
    assert ours.act.number not in stranger.get(BASE).text
    assert stranger.get(f"{BASE}/acts/{ours.act.id}").status_code == 404
    spk = signed_in(factory.user(Role.ADMIN, world.spk))
    assert spk.get(f"{BASE}/acts/{ours.act.id}").status_code == 404
    expert = signed_in(factory.user(Role.EXPERT, world.spk))
    assert expert.get(BASE).status_code == 404
    anonymous = new_web().get(f"{BASE}/acts/{ours.act.id}")
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login?next=")


def test_spk_sets_the_failed_term(world, factory, signed_in):
    web = signed_in(factory.user(Role.ADMIN, world.spk))
    assert f'href="{BASE}">Хранение видеозаписей<' in web.get("/cabinet/spk/").text  # the menu item
    page = web.get(BASE)
    assert "Срок хранения записей несданных экзаменов" in page.text and 'value="1"' in page.text
    assert "Акты об уничтожении" not in page.text
    wrong = web.post(BASE, {"failed_years": "сто"})
    assert wrong.status_code == 422 and "Укажите срок целым числом лет" in wrong.text and 'value="сто"' in wrong.text
    too_long = web.post(BASE, {"failed_years": "99"})
    assert too_long.status_code == 422 and "от 1 до 75" in too_long.text
    saved = web.post(BASE, {"failed_years": "2"})
    assert saved.status_code == 303 and saved.headers["location"] == f"{BASE}?notice=saved"
    assert "Срок хранения сохранён." in web.get(saved.headers["location"]).text
    assert RetentionPolicy.get(RetentionPolicy.spk == world.spk).failed_years == 2
    centre = signed_in(factory.user(Role.ADMIN, world.cok))
    assert "Срок хранения, лет" not in centre.get(BASE).text  # the page also gives the form's CSRF token
    assert centre.post(BASE, {"failed_years": "5"}).status_code == 404
    assert web.post(BASE, {"failed_years": "3"}, csrf=False).status_code == 403
    assert RetentionPolicy.get(RetentionPolicy.spk == world.spk).failed_years == 2
