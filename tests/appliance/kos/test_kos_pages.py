"""«Квалификации» → «КОС» through HTTP: upload in every format, errors on the page, versions, download, access."""
from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from core.audit import AuditRecord
from core.kos import export_kos
from core.models import Kos, QualificationOffer
from kos_web_kit import JSON, KosPagesWorld, asset, kos_json, sign_in


@pytest.fixture
def world(orgs, people):
    return KosPagesWorld(orgs)


@pytest.fixture
def admin(new_web, world):
    web = sign_in(new_web, "admin@cok.ru")
    return web


def _offer(world, cok_key="cok"):
    return QualificationOffer.get((QualificationOffer.cok == world.orgs[cok_key])
                                  & (QualificationOffer.qualification == world.qual))


def test_from_qualifications_to_an_empty_kos_page(admin, world):
    listing = admin.get("/cabinet/cok/qualifications")
    assert f'href="/cabinet/cok/qualifications/{world.qual.id}/kos"' in listing.text
    page = admin.get(world.url())
    assert page.status_code == 200
    assert "40.05400.01 · Специалист по охране труда (6 уровень квалификации)" in page.text
    assert "КОС не загружен: экзамен по этой квалификации провести нельзя." in page.text
    assert 'enctype="multipart/form-data"' in page.text and f"{world.url()}/import?csrf_token=" in page.text
    assert "Скачать КОС (JSON)" not in page.text and "Версий пока нет." in page.text


def test_json_upload_becomes_current_and_the_page_shows_its_numbers(admin, world):
    admin.get(world.url())
    page = admin.upload(world.url() + "/import", files={"file": ("КОС охрана труда.json", kos_json(), JSON)})
    assert page.status_code == 200, page.text
    assert "КОС версии «2026.1» загружен и стал текущим" in page.text
    assert 'data-testid="current-version">2026.1<' in page.text
    assert ("8: с одним ответом — 3; с несколькими ответами — 1; на соответствие — 1; на упорядочение — 1; "
            "с кратким ответом — 1; с числовым ответом — 1") in " ".join(page.text.split())
    assert "6 вопросов, 30 минут, проходной балл — 4" in page.text
    assert "Нормативные правовые акты по охране труда" in page.text  # the sections table
    assert "Кузнецова Мария Ивановна" in page.text and "JSON (nok-kos/1)" in page.text
    kos = Kos.get(Kos.qualification == world.qual)
    assert kos.loaded_by_id and _offer(world).kos_version == "2026.1"
    assert AuditRecord.select().where((AuditRecord.action == "import") & (AuditRecord.entity_id == str(kos.id))
                                      ).get().actor_label == "admin@cok.ru"
    listing = admin.get("/cabinet/cok/qualifications")
    assert "версия 2026.1" in listing.text


def test_moodle_upload_without_passport_says_what_was_assumed(admin, world):
    admin.get(world.url())
    page = admin.upload(world.url() + "/import", files={"file": ("bank.txt", asset("moodle_labour_safety.xml"),
                                                                 "text/plain")})
    assert page.status_code == 200
    assert "Спецификация теста не задана" in page.text and "проходной балл — 70 % (7 баллов)" in page.text
    assert Kos.get(Kos.qualification == world.qual).source_format == "moodle"
    assert "Moodle XML" in page.text


def test_qti_upload_with_passport(admin, world):
    passport = json.loads(kos_json(version="2026.5"))
    del passport["theory"]["sections"]
    passport["theory"]["specification"]["draw"] = [{"section": "law", "count": 4}, {"section": "risks", "count": 2}]
    admin.get(world.url())
    page = admin.upload(world.url() + "/import", files={
        "file": ("bank.zip", asset("qti_labour_safety.zip"), "application/zip"),
        "passport": ("паспорт.json", json.dumps(passport, ensure_ascii=False).encode(), JSON)})
    assert page.status_code == 200, page.text
    kos = Kos.get(Kos.qualification == world.qual)
    assert (kos.version, kos.source_format) == ("2026.5", "qti")
    assert "IMS QTI 2.1" in page.text and 'data-testid="import-note"' not in page.text


@pytest.mark.parametrize(("files", "field", "message"), [
    ({"file": ("kos.json", asset("bad/two_correct.json"), JSON)}, "file",
     "Вопрос s1-q1: в вопросе с одним ответом должен быть ровно один правильный вариант, а отмечено 2"),
    ({"file": ("kos.zip", asset("bad/no_correct_response.zip"), "application/zip")}, "file",
     "Вопрос training-act: нет правильного ответа (correctResponse)"),
    ({"file": ("kos.json", asset("bad/spec_too_many.json"), JSON)}, "file",
     "Раздел s2: в спецификации требуется 10 вопросов, а в разделе 8"),
    ({"file": ("kos.json", kos_json(qualification="40.05400.02"), JSON)}, "file",
     "КОС составлен для квалификации 40.05400.02, а загружается для 40.05400.01"),
    ({"file": ("bank.xml", asset("moodle_labour_safety.xml"), "text/xml"),
      "passport": ("p.json", b'{"theory": {"sections": []}}', JSON)}, "passport",
     "Паспорт КОС: не должен содержать theory.sections"),
    ({}, "file", "Выберите файл КОС"),
])
def test_refused_upload_is_explained_next_to_its_field(admin, world, files, field, message):
    admin.get(world.url())
    page = admin.upload(world.url() + "/import", fields={"note": "x"}, files=files)
    assert page.status_code == 422
    assert f'id="{field}-error"' in page.text and message in page.text.replace("&#34;", '"')
    assert "КОС не загружен: исправьте ошибку" in page.text
    assert Kos.select().count() == 0 and _offer(world).kos_loaded_at is None


def test_upload_without_csrf_token_is_refused(admin, world):
    admin.get(world.url())
    page = admin.upload(world.url() + "/import", files={"file": ("kos.json", kos_json(), JSON)}, csrf=False)
    assert page.status_code == 403 and Kos.select().count() == 0


def test_download_current_and_older_versions(admin, world):
    admin.get(world.url())
    admin.upload(world.url() + "/import", files={"file": ("a.json", kos_json(), JSON)})
    admin.upload(world.url() + "/import", files={"file": ("b.json", kos_json(version="2026.2"), JSON)})
    old, new = sorted(Kos.select().where(Kos.qualification == world.qual), key=lambda k: k.id)
    page = admin.get(world.url())
    assert "2026.2 <strong>(текущая)</strong>" in page.text and f"{world.url()}/export/{old.id}" in page.text
    current = admin.get(world.url() + "/export")
    assert current.status_code == 200 and current.headers["content-type"].startswith("application/json")
    assert quote("КОС_40.05400.01_2026.2.json") in current.headers["content-disposition"]
    assert current.content == export_kos(new)
    older = admin.get(f"{world.url()}/export/{old.id}")
    assert json.loads(older.content)["version"] == "2026.1"
    assert AuditRecord.select().where((AuditRecord.action == "export") & (AuditRecord.entity == "kos")).count() == 2
    # a version of another qualification is not reachable through this one
    assert admin.get(f"{world.url(world.senior)}/export/{old.id}").status_code == 404
    assert admin.get(f"{world.url(world.senior)}/export").status_code == 404


def test_venue_sees_and_downloads_but_does_not_upload(new_web, admin, world):
    admin.get(world.url())
    admin.upload(world.url() + "/import", files={"file": ("a.json", kos_json(), JSON)})
    venue = sign_in(new_web, "admin@venue.ru")
    page = venue.get(world.url(cabinet="venue"))
    assert page.status_code == 200 and 'data-testid="current-version">2026.1<' in page.text
    assert "КОС загружает ЦОК; площадка видит его без изменения." in page.text and "multipart" not in page.text
    assert venue.get(world.url(cabinet="venue") + "/export").status_code == 200
    refused = venue.upload(world.url(cabinet="venue") + "/import", files={"file": ("b.json", kos_json(version="9"),
                                                                                     JSON)})
    assert refused.status_code == 403 and Kos.select().count() == 1


def test_other_organisations_get_404_and_no_data(new_web, admin, world):
    admin.get(world.url())
    admin.upload(world.url(world.senior) + "/import", files={"file": ("a.json", kos_json(qualification=None), JSON)})
    kos = Kos.get(Kos.qualification == world.senior)
    other = sign_in(new_web, "admin@yug.ru")  # ЦОК «Юг» does not offer the 7th level
    for path in ("", "/export", f"/export/{kos.id}"):
        page = other.get(world.url(world.senior) + path)
        assert page.status_code == 404 and "2026.1" not in page.text
    other.get(world.url())  # a page of their own for the CSRF token
    assert other.upload(world.url(world.senior) + "/import",
                        files={"file": ("b.json", kos_json(qualification=None, version="2"), JSON)}).status_code == 404
    assert other.get(world.url()).status_code == 200, "the qualification they offer is open to them"
    applicant = sign_in(new_web, "welder@mail.ru")
    assert applicant.get(world.url()).status_code == 403
    assert applicant.get(world.url(cabinet="applicant")).status_code == 404
    expert = sign_in(new_web, "expert@spk.ru")
    assert expert.get(world.url(cabinet="expert") + "/export").status_code == 404
    assert new_web().get(world.url()).status_code == 303  # not signed in → login
