"""«Квалификации» through HTTP: qualifications, КОС upload (good and broken), «Выгрузить» and «Статус КОС»."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from central.models import PublishedKos, ReferenceRevision
from central.revisions import current_version
from core.audit import AuditRecord
from core.kos.demo.labour_safety import labour_safety_kos
from core.models import Kos, OrgKind, ProfStandard, Qualification

BASE = "/cabinet/spk/qualifications"
BAD = Path(__file__).resolve().parents[2] / "assets" / "kos" / "bad"
JSON = "application/json"
NEW = {"code": "40.05400.03", "name": "Инспектор по охране труда", "level": "5", "validity_years": "3",
       "standard_code": "40.054", "standard_name": "Специалист в области охраны труда",
       "approval_order": "приказ Минтруда России от 22.04.2021 № 274н"}


def _kos(version: str = "2026.1") -> bytes:
    document = labour_safety_kos()
    document["version"] = version
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


@pytest.fixture
def admin(spk_world, central_signed_in):
    return central_signed_in(spk_world.admin)


def _upload(web, qualification, data: bytes, name: str = "КОС.json"):
    web.get(f"{BASE}/{qualification.id}")
    return web.upload(f"{BASE}/{qualification.id}/kos", files={"file": (name, data, JSON)})


def test_list_shows_kos_status_not_published(spk_world, admin):
    page = admin.get(BASE)
    assert page.status_code == 200
    assert "40.05400.01" in page.text and "Специалист по охране труда (6 уровень квалификации)" in page.text
    assert "40.054 Специалист в области охраны труда" in page.text
    for q in spk_world.qualifications:
        assert f'data-testid="kos-status-{q.id}">Не выгружен' in page.text
    assert "КОС не загружен" in page.text


def test_adding_a_qualification_validates_code_level_and_uniqueness(spk_world, admin):
    admin.get(BASE + "/new")
    version = current_version()
    page = admin.post(BASE + "/new", {**NEW, "code": "40.054.03", "level": "10", "validity_years": "0",
                                      "standard_code": "40054"})
    assert page.status_code == 422
    assert "Код квалификации указан неверно: ожидается вид NN.NNNNN.NN" in page.text
    assert "Уровень квалификации должен быть целым числом от 1 до 9" in page.text
    assert "Срок действия свидетельства: укажите целое число от 1 до 10 лет." in page.text
    assert "Код профессионального стандарта указан неверно" in page.text
    page = admin.post(BASE + "/new", {**NEW, "code": "40.05400.01"})
    assert page.status_code == 422 and "Квалификация с таким кодом уже есть в реестре." in page.text
    assert current_version() == version
    done = admin.post(BASE + "/new", NEW)
    assert done.status_code == 303
    q = Qualification.get(Qualification.code == "40.05400.03")
    assert (q.spk_id, q.level, q.validity_years, q.prof_standard.code) == (spk_world.spk.id, 5, 3, "40.054")
    assert ProfStandard.select().where(ProfStandard.code == "40.054").count() == 1
    assert current_version() > version
    new_standard = admin.post(BASE + "/new", {**NEW, "code": "16.03200.01", "standard_code": "16.032",
                                              "standard_name": "Специалист в области строительства"})
    assert new_standard.status_code == 303
    assert ProfStandard.get(ProfStandard.code == "16.032").name == "Специалист в области строительства"


def test_editing_a_qualification_and_its_code_lock(spk_world, admin):
    q = spk_world.qualifications[1]
    page = admin.get(f"{BASE}/{q.id}")
    assert page.status_code == 200 and 'value="40.05400.02"' in page.text and "Версий пока нет." in page.text
    form = {**NEW, "code": q.code, "name": "Руководитель службы охраны труда организации", "level": "7",
            "validity_years": "5", "is_active": "on"}
    assert admin.post(f"{BASE}/{q.id}", form).status_code == 303
    assert Qualification.get_by_id(q.id).name == "Руководитель службы охраны труда организации"
    first = spk_world.qualifications[0]
    assert _upload(admin, first, _kos()).status_code == 200
    page = admin.post(f"{BASE}/{first.id}", {**form, "code": "40.05400.07"})
    assert page.status_code == 422 and "Код нельзя изменить" in page.text
    assert Qualification.get_by_id(first.id).code == "40.05400.01"


def test_uploading_the_demo_kos_stores_a_version_without_publishing(spk_world, admin):
    q = spk_world.qualifications[0]
    version = current_version()
    page = _upload(admin, q, _kos())
    assert page.status_code == 200, page.text
    assert "КОС версии «2026.1» загружен" in page.text and "Выгрузить" in page.text
    assert 'data-testid="kos-status">Не выгружен' in page.text
    kos = Kos.get(Kos.qualification == q)
    assert kos.loaded_by_id == spk_world.admin.id and kos.is_current and kos.source_format == "json"
    assert AuditRecord.select().where((AuditRecord.action == "import") & (AuditRecord.entity_id == str(kos.id))
                                      ).get().actor_label == "admin@spk.test"
    assert current_version() == version and not PublishedKos.select().exists()
    again = _upload(admin, q, _kos())
    assert again.status_code == 422 and "Версия КОС «2026.1» для квалификации 40.05400.01 уже загружена" in again.text


BROKEN = [
    ((BAD / "syntax_error.json").read_bytes(), "ошибка JSON в строке"),
    ((BAD / "cp1251.json").read_bytes(), "не в кодировке UTF-8"),
    (b"%PDF-1.7 not a kos", "Формат файла не распознан"),
]


def test_a_broken_kos_file_is_refused_with_a_russian_reason(spk_world, admin):
    q = spk_world.qualifications[0]
    for data, message in BROKEN:
        page = _upload(admin, q, data, "broken.json")
        assert page.status_code == 422
        assert message in page.text and 'id="file-error"' in page.text, message
    assert not Kos.select().exists()


def test_upload_without_a_file_or_for_another_qualification(spk_world, admin):
    q = spk_world.qualifications[1]
    admin.get(f"{BASE}/{q.id}")
    page = admin.upload(f"{BASE}/{q.id}/kos", files={})
    assert page.status_code == 422 and "Выберите файл КОС" in page.text
    page = _upload(admin, q, _kos())
    assert page.status_code == 422 and "КОС составлен для квалификации 40.05400.01, а загружается для 40.05400.02" in page.text


def test_publishing_bumps_the_revision_and_replaces_the_previous_version(spk_world, admin):
    q = spk_world.qualifications[0]
    _upload(admin, q, _kos("2026.1"))
    first = Kos.get((Kos.qualification == q) & (Kos.version == "2026.1"))
    version = current_version()
    done = admin.post(f"{BASE}/{q.id}/kos/{first.id}/publish")
    assert done.status_code == 303
    assert current_version() > version
    rev = ReferenceRevision.get_by_id(current_version())
    assert "40.05400.01" in rev.what and PublishedKos.get().revision == rev.id
    assert PublishedKos.get().kos_id == first.id
    page = admin.get(f"{BASE}/{q.id}?notice=published")
    assert 'data-testid="kos-status">Выгружен' in page.text and "КОС выгружен" in page.text
    assert "Комплекс ЦОК «Профи»" in page.text and "Ожидает обновления справочников" in page.text
    spk_world.appliance.snapshot_version = rev.id
    spk_world.appliance.save()
    page = admin.get(f"{BASE}/{q.id}")
    assert "Получен" in page.text and "Ожидает обновления" not in page.text
    listing = admin.get(BASE)
    assert f'data-testid="kos-status-{q.id}">Выгружен' in listing.text and "получили 1 из 1 комплексов" in listing.text

    _upload(admin, q, _kos("2026.2"))
    second = Kos.get((Kos.qualification == q) & (Kos.version == "2026.2"))
    listing = admin.get(BASE)
    done = admin.post(BASE + f"/{q.id}/kos/{second.id}/publish", {"back": "list"})
    assert done.headers["location"].endswith(BASE + "?notice=published")
    assert [p.kos_id for p in PublishedKos.select()] == [second.id]
    listing = admin.get(BASE)
    assert "версия 2026.2" in listing.text and "получили 0 из 1 комплексов" in listing.text


def test_download_a_version(spk_world, admin):
    q = spk_world.qualifications[0]
    _upload(admin, q, _kos())
    kos = Kos.get(Kos.qualification == q)
    answer = admin.get(f"{BASE}/{q.id}/kos/{kos.id}/export")
    assert answer.status_code == 200 and json.loads(answer.text)["version"] == "2026.1"


def test_another_spk_qualification_is_not_found(spk_world, admin):
    other = spk_world.factory.org(OrgKind.SPK)
    foreign = Qualification.create(spk=other, prof_standard=spk_world.qualifications[0].prof_standard,
                                   code="40.05400.09", name="Чужая квалификация", level=5)
    kos = Kos.create(qualification=foreign, version="1", title="Чужой КОС", content="{}", sha256="c" * 64)
    assert admin.get(f"{BASE}/{foreign.id}").status_code == 404
    admin.get(BASE)
    assert admin.post(f"{BASE}/{foreign.id}/kos/{kos.id}/publish").status_code == 404
    assert admin.upload(f"{BASE}/{foreign.id}/kos", files={"file": ("k.json", _kos(), JSON)}).status_code == 404
    assert admin.get(f"{BASE}/{foreign.id}/kos/{kos.id}/export").status_code == 404
    q = spk_world.qualifications[0]
    assert admin.post(f"{BASE}/{q.id}/kos/{kos.id}/publish").status_code == 404  # a version of another qualification
    assert not PublishedKos.select().exists()
    assert "Чужая квалификация" not in admin.get(BASE).text


def test_list_page_takes_the_same_number_of_queries_for_more_qualifications(spk_world, admin, central_services):
    from core.testing import count_queries

    def queries() -> int:
        with count_queries(central_services.db) as seen:
            assert admin.get(BASE).status_code == 200
        return len(seen)

    q = spk_world.qualifications[0]
    _upload(admin, q, _kos())
    admin.post(f"{BASE}/{q.id}/kos/{Kos.get(Kos.qualification == q).id}/publish")
    before = queries()
    std = q.prof_standard
    for n in range(3):
        extra = Qualification.create(spk=spk_world.spk, prof_standard=std, code=f"40.05400.1{n}", name=f"Квалификация {n}",
                                     level=5)
        kos = Kos.create(qualification=extra, version="1", title="КОС", content="{}", sha256="d" * 64)
        PublishedKos.create(kos=kos)
    assert queries() == before
