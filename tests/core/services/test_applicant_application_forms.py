"""Заявление соискателя as a service: numbering, drafts of one's own documents only, withdrawal."""
import io

import pytest

from core.exceptions import PermissionDeniedError, ValidationError
from core.models import Application, DocumentKind, OrgKind, ProfStandard, Qualification, QualificationOffer, Role
from core.plugins import PluginHost
from core.services import application_forms as forms
from core.services.applicant_profile import FormErrors
from core.services.documents import add_cabinet_document
from core.workflow import Status

PLUGINS = PluginHost.with_plugins({})


@pytest.fixture
def world(sqlcipher_db, factory, tmp_path):
    from core.blobstore import BlobStore

    spk = factory.org(OrgKind.SPK)
    cok = factory.org(OrgKind.COK, parent=spk)
    venue = factory.org(OrgKind.VENUE, parent=cok)
    standard = ProfStandard.create(code="40.115", name="Сварщик")
    qual = Qualification.create(spk=spk, prof_standard=standard, code="40.11500.03", name="Сварщик", level=3)
    QualificationOffer.create(cok=cok, qualification=qual)
    blobs = BlobStore(tmp_path / "blobs", b"k" * 32)
    return {"cok": cok, "venue": venue, "qual": qual, "blobs": blobs,
            "me": factory.user(Role.APPLICANT, email="me@mail.ru"),
            "other": factory.user(Role.APPLICANT, email="other@mail.ru")}


def _make(world, status, number=None):
    return Application.create(applicant=world["me"], cok=world["cok"], venue=world["venue"],
                              qualification=world["qual"], status=status.value, number=number)


def test_numbers_run_per_year(world):
    assert forms.next_number(2026) == "З-2026-000001"
    _make(world, Status.SUBMITTED, "З-2025-000417")
    _make(world, Status.SUBMITTED, "З-2026-000009")
    _make(world, Status.SUBMITTED, "ГЗ-2026-999999")
    assert forms.next_number(2026) == "З-2026-000010"
    assert forms.next_number(2025) == "З-2025-000418"
    assert forms.next_number(2027) == "З-2027-000001"


def test_a_draft_takes_only_ones_own_documents(world):
    theirs = add_cabinet_document(world["other"], DocumentKind.SNILS, io.BytesIO(_jpeg()), "снилс.jpg",
                                  world["blobs"], max_bytes=10 ** 7)
    form = forms.ApplicationForm(venue=str(world["venue"].id), qualification=str(world["qual"].id),
                                 documents=[str(theirs.id)])
    with pytest.raises(FormErrors) as caught:
        forms.save_draft(world["me"], form)
    assert "Документ не найден" in caught.value.errors["documents"]
    mine = add_cabinet_document(world["me"], DocumentKind.SNILS, io.BytesIO(_jpeg()), "снилс.jpg",
                                world["blobs"], max_bytes=10 ** 7)
    draft = forms.save_draft(world["me"], forms.ApplicationForm(venue=str(world["venue"].id),
                                                                qualification=str(world["qual"].id),
                                                                documents=[str(mine.id)]))
    assert forms.draft_document_ids(world["me"], draft) == [mine.id]
    assert [h.to_status for h in forms.history_of(draft)] == ["draft"]
    with pytest.raises(PermissionDeniedError):
        forms.send_application(world["other"], draft, PLUGINS)


def test_withdrawal_follows_the_status_machine(world):
    paid = _make(world, Status.PAID_DATE_AGREEMENT, "З-2026-000001")
    with pytest.raises(ValidationError, match="отозвать нельзя"):
        forms.withdraw(world["me"], paid, PLUGINS)
    sent = _make(world, Status.SUBMITTED, "З-2026-000002")
    forms.withdraw(world["me"], sent, PLUGINS)
    assert Application.get_by_id(sent.id).status == Status.WITHDRAWN.value
    with pytest.raises(ValidationError, match="отправить нельзя"):
        forms.send_application(world["me"], Application.get_by_id(sent.id), PLUGINS)


def _jpeg() -> bytes:
    import cv2
    import numpy as np

    page = np.full((300, 200), 240, np.uint8)
    cv2.putText(page, "SNILS 112-233-445 95", (10, 150), cv2.FONT_HERSHEY_SIMPLEX, 0.5, 20, 1)
    return cv2.imencode(".jpg", page)[1].tobytes()
