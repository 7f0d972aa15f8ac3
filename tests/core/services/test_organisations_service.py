"""«Ваш профиль» and the facsimile: who may change them and what is checked."""
import base64
import secrets

import cv2
import numpy as np
import pytest

from centre_services_world import ServicesWorld
from core.blobstore import BlobStore
from core.exceptions import PermissionDeniedError, ValidationError
from core.models import Organisation
from core.services import organisations as svc

PROFILE = {"full_name": "ООО «ЦОК»", "short_name": "ЦОК", "inn": "7707083893", "kpp": "773601001",
           "ogrn": "1027700132195", "bank_name": "ПАО Сбербанк", "bik": "044525225",
           "settlement_account": "4070 2810 6380 0000 0000", "corr_account": "30101810400000000225",
           "legal_address": "г. Москва", "actual_same_as_legal": "on", "head_name": "Орлов Игорь Петрович"}


@pytest.fixture
def world(sqlcipher_db, factory):
    return ServicesWorld(factory)


def test_update_profile_normalises_and_saves(world):
    org = svc.update_profile(world.operator, world.cok, PROFILE)
    fresh = Organisation.get_by_id(org.id)
    assert fresh.settlement_account == "40702810638000000000" and fresh.actual_address == "г. Москва"
    assert "ИНН" not in svc.missing_for_documents(fresh)
    assert any("факсимиле" in item for item in svc.missing_for_documents(fresh))


def test_update_profile_reports_every_wrong_field(world):
    with pytest.raises(ValidationError) as caught:
        svc.update_profile(world.admin, world.cok, {**PROFILE, "inn": "1234567890", "bik": "1", "phone": "x",
                                                    "short_name": ""})
    assert set(caught.value.errors) == {"inn", "bik", "phone", "short_name"}
    assert Organisation.get_by_id(world.cok.id).inn is None


def test_bank_fields_go_together(world):
    with pytest.raises(ValidationError) as caught:
        svc.update_profile(world.admin, world.cok, {"full_name": "А", "short_name": "Б", "bik": "044525225"})
    assert set(caught.value.errors) >= {"bank_name", "settlement_account", "corr_account"}


def test_only_own_staff_change_the_profile(world):
    for actor in (world.other_admin, world.venue_admin, world.far_admin):
        with pytest.raises(PermissionDeniedError):
            svc.update_profile(actor, world.cok, PROFILE)


def _png(blank=False):
    canvas = np.zeros((100, 300, 4), np.uint8)
    if not blank:
        cv2.circle(canvas, (150, 50), 30, (0, 0, 0, 255), 2)
    return "data:image/png;base64," + base64.b64encode(cv2.imencode(".png", canvas)[1].tobytes()).decode()


def test_facsimile_is_stored_as_checked_png(world, tmp_path):
    blobs = BlobStore(tmp_path / "blobs", secrets.token_bytes(32))
    digest = svc.save_facsimile(world.admin, world.cok, blobs, _png())
    assert Organisation.get_by_id(world.cok.id).facsimile_digest == digest
    assert blobs.read(digest).startswith(svc.PNG_MAGIC)
    with pytest.raises(ValidationError, match="пустая"):
        svc.save_facsimile(world.admin, world.cok, blobs, _png(blank=True))
    with pytest.raises(PermissionDeniedError):
        svc.save_facsimile(world.other_admin, world.cok, blobs, _png())
    svc.remove_facsimile(world.operator, world.cok)
    assert Organisation.get_by_id(world.cok.id).facsimile_digest is None
    assert svc.signature_png(_png()).startswith(svc.PNG_MAGIC)  # generic: experts use it too
