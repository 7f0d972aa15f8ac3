"""«Личные данные» through HTTP: every wrong field answered next to it, photo, education and work rows."""
import datetime as dt

import pytest

from core.audit import AuditRecord
from core.models import ApplicantProfile, Education, WorkRecord
from core.services import applicant_profile as profiles

from applicant_world import (BASE, PERSONAL, applicant_web, field_error, other_applicant, pdf_bytes,
                             photo_jpeg, sign_in, upload, world)  # noqa: F401 (fixtures)

FUTURE = (dt.date.today() + dt.timedelta(days=2)).isoformat()
WRONG = [
    ("last_name", "Sokolov", "кириллицы"),
    ("first_name", "Дмитрий2", "кириллицы"),
    ("middle_name", "", "нет отчества"),
    ("birth_date", FUTURE, "в будущем"),
    ("birth_date", profiles.add_years(dt.date.today(), -17).isoformat(), "не меньше 18 лет"),
    ("birth_date", "1900-01-01", "больше 100 лет"),
    ("snils", "112-233-445 00", "контрольная сумма"),
    ("passport_series", "45", "ровно 4 цифр"),
    ("passport_number", "12-34-56", "ровно 6 цифр"),
    ("passport_issued_by", "", "заполните поле"),
    ("passport_issue_date", FUTURE, "в будущем"),
    ("passport_issue_date", profiles.add_years(dt.date.today(), -25).isoformat(), "с 14 лет"),
    ("passport_division_code", "7720011", "770-001"),
    ("registration_address", "", "заполните поле"),
    ("phone", "+1 202 555 0100", "Номер телефона"),
    ("consent_accuracy", "", "достоверность"),
    ("consent_pd", "", "согласия"),
]


@pytest.mark.parametrize("field, value, message", WRONG, ids=[f"{w[0]}-{i}" for i, w in enumerate(WRONG)])
def test_a_wrong_value_is_named_next_to_its_field_and_input_kept(world, applicant_web, field, value, message):
    applicant_web.get(f"{BASE}/personal")
    form = {**PERSONAL, field: value}
    if field == "passport_issue_date" and "14" in message:
        form["birth_date"] = profiles.add_years(dt.date.today(), -30).isoformat()
    page = applicant_web.post(f"{BASE}/personal", form)
    assert page.status_code == 422
    assert message in field_error(page.text, field), page.text
    assert f'name="{field}"' in page.text and 'aria-invalid="true"' in page.text
    kept = "Лизы Чайкиной" if field != "registration_address" else "ОВД района Сокол"
    assert kept in page.text, "введённое сохраняется в форме"
    assert ApplicantProfile.get(ApplicantProfile.user == world.applicant).last_name is None


def test_personal_data_saved_and_viewing_is_audited(world, applicant_web):
    applicant_web.get(f"{BASE}/personal")
    saved = applicant_web.post(f"{BASE}/personal", {**PERSONAL, "middle_name": "", "no_middle_name": "1"})
    assert saved.status_code == 303
    page = applicant_web.get(saved.headers["location"].split("#")[0])
    assert "Личные данные сохранены" in page.text and "Фотография не загружена" in page.text
    profile = ApplicantProfile.get(ApplicantProfile.user == world.applicant)
    assert profile.no_middle_name and profile.consent_text_version == profiles.CONSENT_TEXT_VERSION
    assert profiles.CONSENT_PD_TEXT[:60] in page.text
    views = AuditRecord.select().where((AuditRecord.action == "view") & (AuditRecord.entity == "applicant_profile")
                                       & (AuditRecord.entity_id == str(profile.id)))
    assert views.count() == 2


def test_photo_upload_thumbnail_and_refusals(world, applicant_web, new_web, other_applicant):
    applicant_web.get(f"{BASE}/personal")
    refused = upload(applicant_web, f"{BASE}/personal/photo", files=[("photo", "фото.pdf", pdf_bytes(),
                                                                       "application/pdf")])
    assert refused.status_code == 422 and "JPEG и PNG" in field_error(refused.text, "photo")
    renamed = upload(applicant_web, f"{BASE}/personal/photo", files=[("photo", "фото.jpg", pdf_bytes(), "image/jpeg")])
    assert renamed.status_code == 422 and "не является изображением JPEG" in field_error(renamed.text, "photo")
    empty = upload(applicant_web, f"{BASE}/personal/photo", files=[("photo", "", b"", "application/octet-stream")])
    assert empty.status_code == 422 and "Выберите файл" in field_error(empty.text, "photo")
    assert upload(applicant_web, f"{BASE}/personal/photo", files=[("photo", "фото.jpg", photo_jpeg(), "image/jpeg")],
                  csrf=False).status_code == 403
    done = upload(applicant_web, f"{BASE}/personal/photo", files=[("photo", "фото.jpg", photo_jpeg(), "image/jpeg")])
    assert done.status_code == 303
    page = applicant_web.get(f"{BASE}/personal")
    assert 'data-testid="photo-thumb"' in page.text
    image = applicant_web.get(f"{BASE}/personal/photo")
    assert image.status_code == 200 and image.content == photo_jpeg()
    assert image.headers["content-type"] == "image/jpeg" and image.headers["content-disposition"].startswith("inline")
    rival = sign_in(new_web, other_applicant.email)
    assert rival.get(f"{BASE}/personal/photo").status_code == 404, "у другого соискателя фото нет — и чужое не видно"


def test_education_and_work_rows_with_errors_next_to_fields(world, applicant_web, new_web, other_applicant):
    applicant_web.get(f"{BASE}/personal")
    page = applicant_web.post(f"{BASE}/personal/education", {"level": "Высшее — бакалавриат", "institution": "МГТУ",
                                                             "diploma_number": "", "graduation_year": "20ХХ",
                                                             "speciality": "Сварочное производство"})
    assert page.status_code == 422
    assert "заполните поле" in field_error(page.text, "diploma_number")
    assert "четыре цифры" in field_error(page.text, "graduation_year")
    assert 'value="Сварочное производство"' in page.text
    added = applicant_web.post(f"{BASE}/personal/education", {"level": "Высшее — бакалавриат", "institution": "МГТУ",
                                                              "diploma_number": "107704 0012345",
                                                              "graduation_year": "2015",
                                                              "speciality": "Сварочное производство"})
    assert added.status_code == 303 and "МГТУ" in applicant_web.get(f"{BASE}/personal").text
    page = applicant_web.post(f"{BASE}/personal/work", {"employer_name": "ООО «Сварка»", "position": "Сварщик",
                                                        "started_on": "2021-03-01", "ended_on": FUTURE})
    assert page.status_code == 422 and "в будущем" in field_error(page.text, "ended_on")
    assert 'value="ООО «Сварка»"' in page.text
    assert applicant_web.post(f"{BASE}/personal/work", {"employer_name": "ООО «Сварка»", "position": "Сварщик",
                                                        "started_on": "2021-03-01"}).status_code == 303
    row = Education.get()
    rival = sign_in(new_web, other_applicant.email)
    rival.get(f"{BASE}/personal")
    assert rival.post(f"{BASE}/personal/education/{row.id}/delete").status_code == 404
    assert Education.select().count() == 1
    applicant_web.get(f"{BASE}/personal")
    assert applicant_web.post(f"{BASE}/personal/education/{row.id}/delete").status_code == 303
    assert applicant_web.post(f"{BASE}/personal/work/{WorkRecord.get().id}/delete").status_code == 303
    assert not Education.select().exists() and not WorkRecord.select().exists()


EDUCATION = {"level": "Среднее профессиональное", "institution": "Колледж сварки", "diploma_series": "11",
             "diploma_number": "0012345", "graduation_year": "2012", "speciality": "Сварщик"}
WORK = {"employer_name": "ООО «Сварка»", "position": "Сварщик", "started_on": "2019-03-01", "ended_on": "2021-03-01"}
ROW_WRONG = [
    ("education", "level", "Докторантура", "из списка"),
    ("education", "institution", "", "заполните поле"),
    ("education", "diploma_series", "", None),
    ("education", "diploma_number", " ", "заполните поле"),
    ("education", "graduation_year", "1980", "между"),
    ("education", "speciality", "", "заполните поле"),
    ("work", "employer_name", "", "заполните поле"),
    ("work", "position", "", "заполните поле"),
    ("work", "started_on", "32.13.2020", "дата указана неверно"),
    ("work", "ended_on", "2018-01-01", "раньше даты приёма"),
]


@pytest.mark.parametrize("kind, field, value, message", ROW_WRONG, ids=[f"{r[0]}-{r[1]}" for r in ROW_WRONG])
def test_every_row_field_is_checked(world, applicant_web, kind, field, value, message):
    applicant_web.get(f"{BASE}/personal")
    applicant_web.post(f"{BASE}/personal", PERSONAL)  # the birth date bounds the graduation year
    form = {**(EDUCATION if kind == "education" else WORK), field: value}
    page = applicant_web.post(f"{BASE}/personal/{kind}", form)
    if message is None:  # optional field
        assert page.status_code == 303
        return
    assert page.status_code == 422 and message in field_error(page.text, field)
    kept = next(v for k, v in form.items() if k != field and v and not v[0].isdigit())
    assert f'value="{kept}"' in page.text, "введённое сохраняется в форме"
    assert not (Education if kind == "education" else WorkRecord).select().exists()


def test_staff_cannot_open_the_applicant_cabinet(world, new_web):
    staff = sign_in(new_web, "admin@cok.ru")
    assert staff.get(f"{BASE}/personal").status_code == 403
    anonymous = new_web()
    assert anonymous.get(f"{BASE}/personal").status_code == 303
