"""The audit chain records every change and detects edits, deletions and a cut tail."""
import pytest

from core import audit
from core.audit import AuditHead, AuditRecord, verify_chain
from core.exceptions import AuditChainError
from core.models import Organisation, OrgKind, Role, User


def _make_changes(factory):
    org = factory.org(OrgKind.COK, full_name="АНО «ЦОК Строитель»", short_name="ЦОК Строитель")
    with audit.acting_as(audit.Actor(None, "admin@example.ru", "127.0.0.1")):
        user = factory.user(Role.OPERATOR, org, email="op@example.ru")
        user.phone = "+79161234567"
        user.save()
        user.delete_instance()
    return org


def test_every_change_is_recorded_and_chain_verifies(db, factory):
    org = _make_changes(factory)
    rows = list(AuditRecord.select().order_by(AuditRecord.seq))
    actions = [(r.action, r.entity) for r in rows]
    assert ("create", "organisation") in actions
    assert ("create", "user") in actions and ("update", "user") in actions and ("delete", "user") in actions
    created_user = next(r for r in rows if r.action == "create" and r.entity == "user")
    assert created_user.actor_label == "admin@example.ru" and created_user.ip == "127.0.0.1"
    assert not any("$argon2" in r.data for r in rows), "хэш пароля не должен попадать в журнал"
    assert any('"password_hash":"***"' in r.data for r in rows if r.entity == "user")
    assert verify_chain() == len(rows)
    assert AuditHead.get_by_id(1).seq == len(rows)
    assert org.id


def test_edited_record_is_detected(db, factory):
    _make_changes(factory)
    AuditRecord.update(data='{"phone":"+70000000000"}').where(AuditRecord.seq == 3).execute()
    with pytest.raises(AuditChainError, match="№3 изменена"):
        verify_chain()


def test_deleted_record_is_detected(db, factory):
    _make_changes(factory)
    AuditRecord.delete().where(AuditRecord.seq == 2).execute()
    with pytest.raises(AuditChainError, match="удалена"):
        verify_chain()


def test_cut_tail_is_detected(db, factory):
    _make_changes(factory)
    last = AuditRecord.select().order_by(AuditRecord.seq.desc()).first()
    AuditRecord.delete().where(AuditRecord.seq == last.seq).execute()
    with pytest.raises(AuditChainError, match="последние записи"):
        verify_chain()


def test_rewritten_chain_with_fresh_hashes_still_breaks_at_head(db, factory):
    """Recomputing one record's hash is not enough: its successor points to the old hash."""
    _make_changes(factory)
    rec = AuditRecord.get(AuditRecord.seq == 2)
    rec.data = '{"forged":true}'
    rec.hash = audit.compute_hash(rec.prev_hash, rec.seq, rec.at, rec.actor_id, rec.actor_label, rec.ip,
                                  rec.action, rec.entity, rec.entity_id, rec.data)
    AuditRecord.update(data=rec.data, hash=rec.hash).where(AuditRecord.id == rec.id).execute()
    with pytest.raises(AuditChainError, match="№3 не продолжает"):
        verify_chain()


def test_failed_change_leaves_no_record(db, factory):
    factory.user(Role.APPLICANT, email="dup@example.ru")
    before = AuditRecord.select().count()
    with pytest.raises(Exception):
        User.create(email="dup@example.ru", full_name="Дубликат", role=Role.APPLICANT.value)
    assert AuditRecord.select().count() == before
    verify_chain()
    assert Organisation.select().count() == 0
