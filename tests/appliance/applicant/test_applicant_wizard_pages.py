"""The application wizard through HTTP: blocks, draft, and each refusal of seed 004's typical errors."""
import re

from core.models import ApplicantProfile, Application, ApplicationDocument, DocumentKind
from core.services import application_forms as forms
from core.services.application_forms import MSG_ACK_QUALITY, MSG_NO_MIDDLE_NAME, MSG_NO_PHOTO, MSG_NO_PORTFOLIO
from core.workflow import Status

from applicant_world import (BASE, PERSONAL, REQUIRED, applicant_web, field_error, other_applicant, pdf_bytes,
                             scan_jpeg, sign_in, upload, world)  # noqa: F401 (fixtures)

NEW = f"{BASE}/applications/new"


def _send(web, world, documents, path=NEW, files=(), **extra):
    return upload(web, path, world.wizard_fields(documents, action="send", **extra), files)


def test_wizard_offers_venues_of_the_centres_that_examine_the_qualification(world, applicant_web):
    page = applicant_web.get(NEW)
    assert page.status_code == 200
    assert "Площадка «Север»" in page.text and "Площадка «Юг»" not in page.text, "ЦОК «Юг» ничего не проводит"
    assert world.qual.title in page.text and world.not_offered.title not in page.text
    assert "Данные о соискателе" in page.text and f"{BASE}/personal" in page.text
    refreshed = upload(applicant_web, NEW, [("qualification", world.qual.id), ("action", "refresh")])
    assert refreshed.status_code == 200 and "Площадка «Север»" in refreshed.text
    wrong = upload(applicant_web, NEW, [("qualification", world.qual.id), ("venue", world.south_venue.id),
                                        ("payer", "employer"), ("employer", ""), ("practical_form", "portfolio"),
                                        ("portfolio_link", "ftp://x"), ("action", "save")])
    assert wrong.status_code == 422
    assert "не проводит экзамен" in field_error(wrong.text, "venue")
    assert "работодателя-плательщика" in field_error(wrong.text, "employer")
    assert "https://" in field_error(wrong.text, "portfolio_link")
    assert 'value="ftp://x"' in wrong.text
    not_offered = upload(applicant_web, NEW, [("qualification", world.not_offered.id), ("venue", world.venue.id),
                                              ("action", "save")])
    assert "не проводит экзамен" in field_error(not_offered.text, "venue")
    empty = upload(applicant_web, NEW, [("qualification", ""), ("venue", ""), ("action", "save")])
    assert field_error(empty.text, "venue") == "Выберите экзаменационную площадку."
    assert field_error(empty.text, "qualification") == "Выберите квалификацию."
    assert not Application.select().exists()


def test_forged_choices_are_refused_next_to_their_fields(world, applicant_web):
    documents = world.fill_cabinet()
    fields = [(name, value) for name, value in world.wizard_fields(documents, action="save")
              if name not in ("payer", "practical_form")]
    fields += [("payer", "bank"), ("practical_form", "exam"), ("documents", "999999")]
    page = upload(applicant_web, NEW, fields)
    assert page.status_code == 422
    assert "плательщика" in field_error(page.text, "payer")
    assert "вид практического экзамена" in field_error(page.text, "practical_form")
    assert "Документ не найден" in field_error(page.text, "documents")
    assert not Application.select().exists()


def test_draft_is_saved_and_reopened_with_its_choices(world, applicant_web):
    documents = world.fill_cabinet()
    fields = world.wizard_fields(documents, action="save", payer="employer", employer=str(world.orgs["employer"].id))
    saved = upload(applicant_web, NEW, fields)
    assert saved.status_code == 303 and saved.headers["location"].endswith("/edit?notice=saved")
    draft = Application.get()
    assert draft.status == Status.DRAFT.value and draft.number is None and draft.cok_id == world.orgs["cok"].id
    assert draft.employer_id == world.orgs["employer"].id
    assert ApplicationDocument.select().where(ApplicationDocument.application == draft).count() == len(documents)
    page = applicant_web.get(saved.headers["location"])
    assert "Черновик сохранён" in page.text
    assert len(re.findall(r'name="documents" value="\d+" checked', page.text)) == len(documents)
    listing = applicant_web.get(f"{BASE}/applications")
    assert "черновик" in listing.text and "Черновик" in listing.text
    again = upload(applicant_web, f"{BASE}/applications/{draft.id}/edit",
                   world.wizard_fields({k: documents[k] for k in REQUIRED[:2]}, action="save"))
    assert again.status_code == 303
    assert ApplicationDocument.select().where(ApplicationDocument.application == draft).count() == 2
    applicant_web.get(again.headers["location"])
    deleted = applicant_web.post(f"{BASE}/applications/{draft.id}/withdraw")
    assert deleted.status_code == 303 and Application.get_by_id(draft.id).status == Status.WITHDRAWN.value


def test_missing_documents_are_named(world, applicant_web):
    documents = world.fill_cabinet(kinds=REQUIRED[:3])
    page = _send(applicant_web, world, documents)
    assert page.status_code == 422 and "Черновик сохранён, но не отправлен" in page.text
    message = field_error(page.text, "documents")
    assert message.startswith("Не приложены обязательные документы: «Копия трудовой книжки (заверенная)», «СНИЛС».")
    assert Application.get().status == Status.DRAFT.value


def test_missing_middle_name_without_the_mark_and_missing_photo_are_refused(world, applicant_web):
    documents = world.fill_cabinet(photo=False)
    ApplicantProfile.update(middle_name=None).execute()
    page = _send(applicant_web, world, documents)
    assert page.status_code == 422
    assert field_error(page.text, "middle_name") == MSG_NO_MIDDLE_NAME
    assert field_error(page.text, "photo") == MSG_NO_PHOTO


def test_consents_and_portfolio_are_required(world, applicant_web):
    documents = world.fill_cabinet()
    fields = [f for f in world.wizard_fields(documents, action="send", practical_form="portfolio")
              if f[0] not in ("consent_accuracy", "consent_pd")]
    page = upload(applicant_web, NEW, fields)
    assert page.status_code == 422
    assert "достоверность" in field_error(page.text, "consent_accuracy")
    assert "согласие" in field_error(page.text, "consent_pd")
    assert field_error(page.text, "portfolio") == MSG_NO_PORTFOLIO
    draft = Application.get()
    bad_file = _send(applicant_web, world, documents, path=f"{BASE}/applications/{draft.id}/edit",
                     files=[("portfolio_file", "портфолио.pdf", scan_jpeg(), "application/pdf")],
                     practical_form="portfolio")
    assert bad_file.status_code == 422 and "не является PDF" in field_error(bad_file.text, "portfolio_file")
    sent = _send(applicant_web, world, documents, path=f"{BASE}/applications/{draft.id}/edit",
                 files=[("portfolio_file", "портфолио.pdf", pdf_bytes(), "application/pdf")],
                 practical_form="portfolio")
    assert sent.status_code == 303
    assert Application.get_by_id(draft.id).portfolio_digest and Application.get_by_id(draft.id).consent_pd_at


def test_poor_scans_must_be_acknowledged(world, applicant_web):
    documents = world.fill_cabinet(dark=(DocumentKind.PASSPORT_MAIN,))
    page = _send(applicant_web, world, documents)
    assert page.status_code == 422
    message = field_error(page.text, "ack_quality")
    assert message.startswith(MSG_ACK_QUALITY.split("{")[0]) and "«Паспорт: страница с фотографией» —" in message
    sent = _send(applicant_web, world, documents, path=f"{BASE}/applications/{Application.get().id}/edit",
                 ack_quality="1")
    assert sent.status_code == 303 and Application.get().status == Status.SUBMITTED.value


def test_another_persons_data_in_the_same_cabinet_is_refused(world, applicant_web):
    documents = world.fill_cabinet()
    first = _send(applicant_web, world, documents)
    assert first.status_code == 303
    number = Application.get().number
    # Someone types a colleague's data into the same cabinet and applies for another qualification.
    world.fill_cabinet(personal={**PERSONAL, "last_name": "Иванов", "snils": "123-456-789 64",
                                 "birth_date": "1980-05-05"}, kinds=())
    forms.QualificationOffer.create(cok=world.orgs["cok"], qualification=world.not_offered)
    fields = world.wizard_fields(documents, action="send")
    fields = [("qualification", world.not_offered.id) if name == "qualification" else (name, value)
              for name, value in fields]
    page = upload(applicant_web, NEW, fields)
    assert page.status_code == 422
    message = field_error(page.text, "person")
    assert message.startswith(f"Данные личного кабинета не совпадают с данными заявления {number}: СНИЛС, "
                              "дата рождения.")


def test_second_application_for_the_same_qualification_is_refused(world, applicant_web):
    documents = world.fill_cabinet()
    assert _send(applicant_web, world, documents).status_code == 303
    page = _send(applicant_web, world, documents)
    assert page.status_code == 422 and "уже подано заявление З-" in field_error(page.text, "qualification")


def test_numbers_are_sequential_per_year(world, applicant_web, new_web, other_applicant):
    documents = world.fill_cabinet()
    assert _send(applicant_web, world, documents).status_code == 303
    rival_docs = world.fill_cabinet(other_applicant, personal={**PERSONAL, "last_name": "Орлов",
                                                               "snils": "123-456-789 64"})
    rival = sign_in(new_web, other_applicant.email)
    assert _send(rival, world, rival_docs).status_code == 303
    numbers = [a.number for a in Application.select().order_by(Application.id)]
    year = numbers[0].split("-")[1]
    assert numbers == [f"З-{year}-000001", f"З-{year}-000002"]
