"""Коды доступа: the one-time code a candidate types at the exam station.

A code is issued per admitted candidate when the exam starts («Начать экзамен», seed 002).
It is read aloud and typed by hand, so the alphabet leaves out the characters people
confuse (0/O, 1/I/L); eight characters from the 31 left give about 8.5·10¹¹ codes, and a
code is unique across the whole appliance so the station needs nothing else to find the
candidate. Issuing a new code replaces the old one, which stops working at once.
"""
from __future__ import annotations

import secrets

import peewee

from core.db import write_transaction
from core.exceptions import NotFoundError, ValidationError
from core.models import Admission, GroupMember
from core.models.organisations import _now

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
_ATTEMPTS = 20


def new_code() -> str:
    """A random code from `ALPHABET` (cryptographically strong; uniqueness is checked on issue)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise(typed: str) -> str:
    """What the candidate typed, as stored: upper case, without spaces and dashes."""
    return "".join(ch for ch in (typed or "").upper() if ch not in " -\t")


def issue_code(member: GroupMember) -> str:
    """Give `member` a fresh code unique in the database; an earlier code stops working.

    Only an admitted candidate of a started exam gets one. The unique index on
    `GroupMember.access_code` is the final guard: a clash detected there is retried.
    """
    if member.admission != Admission.ADMITTED:
        raise ValidationError("Код доступа выдаётся только допущенному соискателю.")
    if member.group.started_at is None:
        raise ValidationError("Коды доступа выдаются после нажатия «Начать экзамен».")
    for _ in range(_ATTEMPTS):
        code = new_code()
        if GroupMember.select().where(GroupMember.access_code == code).exists():
            continue
        try:
            with write_transaction():
                member.access_code = code
                member.code_issued_at = _now()
                member.code_used_at = None
                member.save()
        except peewee.IntegrityError:
            continue
        return code
    raise ValidationError("Не удалось создать уникальный код доступа. Повторите действие.")


def redeem_code(typed: str) -> GroupMember:
    """Find the candidate a code belongs to and spend the code (it works once).

    Unknown, replaced and already used codes all answer the same «not found», so a
    station reveals nothing about codes it was not given.
    """
    code = normalise(typed)
    with write_transaction():
        member = (GroupMember.select().where((GroupMember.access_code == code)
                                             & GroupMember.code_used_at.is_null()
                                             & (GroupMember.admission == Admission.ADMITTED)).first()
                  if len(code) == CODE_LENGTH else None)
        if member is None:
            raise NotFoundError("Код доступа не найден или уже использован.")
        member.code_used_at = _now()
        member.save()
    return member
