"""«Документы» through HTTP: upload by kind checked by content and size, quality warnings, delete."""
from urllib.parse import unquote

from core.audit import AuditRecord
from core.models import StoredDocument

from applicant_world import (BASE, applicant_web, dark_png, field_error, other_applicant, pdf_bytes,
                             scan_jpeg, sign_in, upload, world)  # noqa: F401 (fixtures)

PAGE = f"{BASE}/documents"


def _upload(web, kind, filename, data, content_type="application/pdf", title=""):
    return upload(web, PAGE, [("kind", kind), ("title", title)], [("file", filename, data, content_type)])


def test_upload_list_download_and_delete(world, applicant_web):
    applicant_web.get(PAGE)
    done = _upload(applicant_web, "diploma", "Диплом бакалавра.jpg", scan_jpeg(), "image/jpeg", title="Диплом МГТУ")
    assert done.status_code == 303 and done.headers["location"].endswith("notice=uploaded")
    page = applicant_web.get(done.headers["location"])
    assert "Документ загружен" in page.text and "Диплом МГТУ" in page.text and "замечаний нет" in page.text
    document = StoredDocument.get(StoredDocument.owner == world.applicant)
    assert (document.kind, document.content_type, document.size) == ("diploma", "image/jpeg", len(scan_jpeg()))
    file = applicant_web.get(f"{PAGE}/{document.id}/file")
    assert file.status_code == 200 and file.content == scan_jpeg() and file.headers["content-type"] == "image/jpeg"
    disposition = file.headers["content-disposition"]
    assert disposition.startswith("attachment;") and unquote(disposition.split("''", 1)[1]) == "Диплом бакалавра.jpg"
    assert AuditRecord.select().where((AuditRecord.action == "download")
                                      & (AuditRecord.entity_id == str(document.id))).exists()
    applicant_web.get(PAGE)
    deleted = applicant_web.post(f"{PAGE}/{document.id}/delete")
    assert deleted.status_code == 303 and not StoredDocument.select().exists()


def test_poor_scan_is_warned_about_before_any_application(world, applicant_web):
    applicant_web.get(PAGE)
    done = _upload(applicant_web, "passport_main", "паспорт.png", dark_png(), "image/png")
    assert done.status_code == 303 and done.headers["location"].endswith("notice=poor")
    page = applicant_web.get(done.headers["location"])
    assert 'data-testid="quality-warning"' in page.text and "тёмн" in page.text


def test_refused_files_are_explained_next_to_the_file_field(world, applicant_web):
    applicant_web.get(PAGE)
    renamed = _upload(applicant_web, "snils", "снилс.pdf", scan_jpeg())
    assert renamed.status_code == 422 and "не является PDF-документом" in field_error(renamed.text, "file")
    assert 'value="snils" selected' in renamed.text, "выбранный вид документа сохраняется"
    fake = _upload(applicant_web, "snils", "снилс.pdf", "%PDF-1.4\nэто не PDF".encode())
    assert fake.status_code == 422 and "повреждён" in field_error(fake.text, "file")
    traversal = _upload(applicant_web, "snils", "../../etc/passwd.pdf", pdf_bytes())
    assert traversal.status_code == 422 and "содержит путь" in field_error(traversal.text, "file")
    word = _upload(applicant_web, "snils", "снилс.docx", b"PK\x03\x04 word", "application/octet-stream")
    assert word.status_code == 422 and "Допустимы только PDF, JPEG и PNG" in field_error(word.text, "file")
    no_kind = _upload(applicant_web, "photo", "снилс.pdf", pdf_bytes())
    assert no_kind.status_code == 422 and "вид документа" in field_error(no_kind.text, "kind")
    long_title = _upload(applicant_web, "snils", "снилс.pdf", pdf_bytes(), title="Я" * 301)
    assert long_title.status_code == 422 and "длиннее 300 символов" in field_error(long_title.text, "title")
    nothing = upload(applicant_web, PAGE, [("kind", "snils")], [("file", "", b"", "application/octet-stream")])
    assert nothing.status_code == 422 and "Выберите файл" in field_error(nothing.text, "file")
    assert not StoredDocument.select().exists()


def test_oversized_upload_is_refused(world, applicant_web, services):
    services.config.max_upload_mb = 1
    applicant_web.get(PAGE)
    big = pdf_bytes() + b"%" + b"0" * (1024 * 1024)
    page = _upload(applicant_web, "diploma", "диплом.pdf", big)
    assert page.status_code == 422 and "больше 1 МБ" in field_error(page.text, "file")
    huge = _upload(applicant_web, "diploma", "диплом.pdf", big * 3)
    assert huge.status_code == 413 and "допустимого размера" in huge.text
    assert not StoredDocument.select().exists()


def test_another_applicants_document_is_not_found(world, applicant_web, new_web, other_applicant):
    applicant_web.get(PAGE)
    _upload(applicant_web, "diploma", "диплом.jpg", scan_jpeg(), "image/jpeg")
    document = StoredDocument.get()
    rival = sign_in(new_web, other_applicant.email)
    assert rival.get(f"{PAGE}/{document.id}/file").status_code == 404
    rival.get(PAGE)
    assert rival.post(f"{PAGE}/{document.id}/delete").status_code == 404
    assert "диплом.jpg" not in rival.get(PAGE).text
    assert StoredDocument.select().count() == 1
    assert upload(applicant_web, PAGE, [("kind", "snils")], [("file", "a.jpg", scan_jpeg(), "image/jpeg")],
                  csrf=False).status_code == 403


def test_documents_list_is_paginated(world, applicant_web):
    for n in range(27):
        StoredDocument.create(owner=world.applicant, kind="other", title=f"Документ {n:02d}", filename=f"d{n}.pdf",
                              content_type="application/pdf", size=10, digest=f"{n:064x}")
    first = applicant_web.get(PAGE)
    assert first.text.count("/file\">") == 25 and "Всего: 27" in first.text
    second = applicant_web.get(f"{PAGE}?page=2")
    assert second.text.count("/file\">") == 2 and "Документ 00" in second.text
