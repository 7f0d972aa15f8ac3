"""«Протокол экспертной комиссии» on the review page: generate, download, sign with facsimiles, upload; video."""
import datetime as dt
import io

from expert_kit import RESULTS, docx_text, facsimile_data_url, pdf_of, world  # noqa: F401 (fixtures)
from pypdf import PdfReader

from core.documents.testing import sample_facsimile_png
from core.models import Application, CommissionProtocol, GroupVideo, Verdict
from core.services import commission

TODAY = dt.date.today()


def decided(world):
    """A practice result decided by the commission: the chair «Сдал», the member «Не сдал»."""
    _, (app,) = world.theory("Соколов Дмитрий Олегович")
    group = world.practice([Application.get_by_id(app.id)])
    commission.decide_all(world.chair, Application.get_by_id(app.id),
                          {world.chair.id: Verdict.PASSED, world.expert.id: Verdict.FAILED}, world.plugins)
    return group, app


def test_chair_generates_signs_and_uploads_the_protocol(world, signed_in):
    group, app = decided(world)
    chair = signed_in(world.chair)
    url = f"{RESULTS}/{app.id}"
    page = chair.get(url)
    assert "Протокол ещё не сформирован" in page.text and "Сформировать протокол" in page.text
    bad = chair.post(f"{url}/protocol", {"protocol_number": "", "protocol_date": "31.02.2026"})
    assert bad.status_code == 422 and "Укажите номер протокола" in bad.text and 'id="protocol_number-error"' in bad.text
    made = chair.post(f"{url}/protocol", {"protocol_number": "7-ЭК", "protocol_date": TODAY.isoformat()})
    assert made.status_code == 303
    page = chair.get(made.headers["location"].split("#")[0])  # a browser never sends the fragment
    assert "Протокол сформирован" in page.text and "Протокол № 7-ЭК" in page.text and "не подписан" in page.text
    text = pdf_of(chair.get(f"{url}/protocol.pdf"))
    for expected in (f"Протокол заседания экспертной комиссии № 7-ЭК от {TODAY:%d.%m.%Y}",
                     "Соискатель: Соколов Дмитрий Олегович", "Волков Павел Андреевич Сдал",
                     "Зайцева Ольга Игоревна Не сдал", "Решение экспертной комиссии: Сдал"):
        assert expected in text, expected
    member = signed_in(world.expert)
    assert "Соколов Дмитрий Олегович" in docx_text(member.get(f"{url}/protocol.docx")), "скачивает любой член комиссии"
    refused = chair.post(f"{url}/protocol/sign", {})
    assert refused.status_code == 422
    assert "Нет факсимиле подписи у экспертов: Волков Павел Андреевич, Зайцева Ольга Игоревна" in refused.text
    for web in (chair, member):
        web.get("/cabinet/expert/signature")
        assert web.post("/cabinet/expert/signature", {"signature": facsimile_data_url()}).status_code == 303
    chair.get(url)
    signed = chair.post(f"{url}/protocol/sign", {})
    assert signed.status_code == 303
    assert "подписан факсимиле" in chair.get(signed.headers["location"].split("#")[0]).text
    pdf = chair.get(f"{url}/protocol.pdf").content
    assert sum(len(p.images) for p in PdfReader(io.BytesIO(pdf)).pages) == 2
    wrong = chair.upload(f"{url}/protocol/upload", files={"file": ("протокол.pdf", b"GIF89a", "application/pdf")})
    assert wrong.status_code == 422 and 'id="file-error"' in wrong.text
    uploaded = chair.upload(f"{url}/protocol/upload", files={"file": ("протокол.png", sample_facsimile_png(),
                                                                      "image/png")})
    assert uploaded.status_code == 303, uploaded.text[:500]
    scan = member.get(f"{url}/protocol/scan")
    assert scan.status_code == 200 and scan.headers["content-type"] == "image/png"
    assert scan.content == sample_facsimile_png()
    assert CommissionProtocol.get().uploaded_digest


def test_member_cannot_generate_or_sign(world, signed_in):
    _, app = decided(world)
    member = signed_in(world.expert)
    url = f"{RESULTS}/{app.id}"
    member.get(url)
    form = {"protocol_number": "1", "protocol_date": TODAY.isoformat()}
    assert member.post(f"{url}/protocol", form).status_code == 403
    assert member.post(f"{url}/protocol/sign", {}).status_code == 403
    assert member.get(f"{url}/protocol.pdf").status_code == 404, "протокол ещё не сформирован"
    assert not CommissionProtocol.select().exists()


def test_group_videos_are_listed_downloaded_and_played(world, signed_in, services):
    group, app = decided(world)
    digest = services.blobs.put(b"\x00\x00\x00\x18ftypmp42 fake video").digest
    video = GroupVideo.create(group=group, digest=digest, filename="Аудитория 1.mp4", content_type="video/mp4",
                              size=29)
    _, (other,) = world.theory("Белова Анна Сергеевна", passed=False)
    foreign = GroupVideo.create(group=commission.deciding_group(other), digest=digest, filename="Другая.mp4",
                                content_type="video/mp4", size=29)
    web = signed_in(world.expert)
    url = f"{RESULTS}/{app.id}"
    page = web.get(url)
    assert "Аудитория 1.mp4" in page.text and f'src="{url}/videos/{video.id}?play=1"' in page.text
    assert "Другая.mp4" not in page.text
    download = web.get(f"{url}/videos/{video.id}")
    assert download.status_code == 200 and download.content.endswith(b"fake video")
    assert "attachment" in download.headers["content-disposition"]
    played = web.get(f"{url}/videos/{video.id}?play=1")
    assert played.headers["content-type"] == "video/mp4" and played.headers["content-disposition"].startswith("inline")
    assert web.get(f"{url}/videos/{foreign.id}").status_code == 404, "видео другой группы не по этой ссылке"
