"""Access codes: unambiguous alphabet, unique in the database, replaced codes and used codes dead."""
import datetime as dt

import pytest

from core.exceptions import NotFoundError, ValidationError
from core.models import Admission, Application, ExamGroup, GroupMember, OrgKind, ProfStandard, Qualification, Role
from core.services import access_codes
from core.services.access_codes import ALPHABET, CODE_LENGTH, issue_code, new_code, normalise, redeem_code


@pytest.fixture
def members(sqlcipher_db, factory):
    """Two admitted candidates of a started group."""
    spk = factory.org(OrgKind.SPK)
    cok = factory.org(OrgKind.COK, parent=spk)
    venue = factory.org(OrgKind.VENUE, parent=cok)
    std = ProfStandard.create(code="16.025", name="Сварщик")
    qual = Qualification.create(spk=spk, prof_standard=std, code="16.02500.01", name="Сварщик", level=2)
    group = ExamGroup.create(kind="theory", cok=cok, venue=venue, qualification=qual, seats=5,
                             starts_at=dt.datetime(2026, 3, 1, 10), started_at=dt.datetime(2026, 3, 1, 10))
    out = []
    for _ in range(2):
        app = Application.create(applicant=factory.user(Role.APPLICANT), cok=cok, venue=venue, qualification=qual,
                                 status="admitted")
        out.append(GroupMember.create(group=group, application=app, admission=Admission.ADMITTED))
    return out


def test_alphabet_has_no_ambiguous_characters():
    assert not set("0O1IL") & set(ALPHABET) and len(set(ALPHABET)) == len(ALPHABET) == 31
    codes = {new_code() for _ in range(2000)}
    assert all(len(c) == CODE_LENGTH and set(c) <= set(ALPHABET) for c in codes)
    assert len(codes) == 2000, "8 символов из 31 — совпадения практически исключены"


def test_issue_refuses_pending_candidates_and_unstarted_exams(members):
    first, _ = members
    first.admission = Admission.PENDING
    with pytest.raises(ValidationError, match="допущенному"):
        issue_code(first)
    first.admission = Admission.ADMITTED
    first.group.started_at = None
    with pytest.raises(ValidationError, match="Начать экзамен"):
        issue_code(first)


def test_a_code_taken_in_the_database_is_never_issued_again(members, monkeypatch):
    first, second = members
    taken = issue_code(first)
    fresh = iter([taken, taken, "ABCDEFGH"])
    monkeypatch.setattr(access_codes, "new_code", lambda: next(fresh))
    assert issue_code(second) == "ABCDEFGH"
    monkeypatch.setattr(access_codes, "new_code", lambda: taken)
    with pytest.raises(ValidationError, match="уникальный"):
        issue_code(second)
    assert GroupMember.get_by_id(second.id).access_code == "ABCDEFGH"


def test_regenerated_code_replaces_the_old_one_and_works_once(members):
    first, _ = members
    old = issue_code(first)
    new = issue_code(first)
    assert new != old
    with pytest.raises(NotFoundError):
        redeem_code(old)
    typed = f"{new[:4].lower()} {new[4:]}"
    assert normalise(typed) == new and redeem_code(typed).id == first.id
    assert GroupMember.get_by_id(first.id).code_used_at is not None
    with pytest.raises(NotFoundError, match="уже использован"):
        redeem_code(new)
    with pytest.raises(NotFoundError):
        redeem_code("")
