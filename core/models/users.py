"""Users, their roles, web sessions and one-time links."""
from __future__ import annotations

import datetime as dt
import enum

import peewee

from core.audit import AuditedModel
from core.db import BaseModel
from core.models.organisations import Organisation, OrgKind, _now


class Role(str, enum.Enum):
    ADMIN = "admin"
    OPERATOR = "operator"
    EXPERT = "expert"
    APPLICANT = "applicant"

    @property
    def title(self) -> str:
        return ROLE_TITLES[self]


ROLE_TITLES = {
    Role.ADMIN: "Администратор",
    Role.OPERATOR: "Оператор",
    Role.EXPERT: "Эксперт",
    Role.APPLICANT: "Соискатель",
}
STAFF_ROLES = frozenset({Role.ADMIN, Role.OPERATOR})


class Cabinet(str, enum.Enum):
    """Личный кабинет — which area of the web app a user lands in."""

    SPK = "spk"
    COK = "cok"
    VENUE = "venue"
    EMPLOYER = "employer"
    EXPERT = "expert"
    APPLICANT = "applicant"

    @property
    def title(self) -> str:
        return CABINET_TITLES[self]


CABINET_TITLES = {
    Cabinet.SPK: "Личный кабинет СПК",
    Cabinet.COK: "Личный кабинет ЦОК",
    Cabinet.VENUE: "Личный кабинет Площадки",
    Cabinet.EMPLOYER: "Личный кабинет Работодателя",
    Cabinet.EXPERT: "Личный кабинет Эксперта",
    Cabinet.APPLICANT: "Личный кабинет Соискателя",
}


class User(AuditedModel):
    """Пользователь. Email is the login and unique across the appliance.

    Staff (Администратор/Оператор) belong to an organisation; an Эксперт belongs to the
    СПК whose experts database holds them; a Соискатель belongs to none.
    """

    email = peewee.CharField(max_length=320, unique=True)
    full_name = peewee.CharField(max_length=300)
    phone = peewee.CharField(max_length=32, null=True)
    position = peewee.CharField(max_length=200, null=True)
    role = peewee.CharField(max_length=16, index=True, choices=[(r.value, r.title) for r in Role])
    organisation = peewee.ForeignKeyField(Organisation, null=True, backref="users", on_delete="RESTRICT")
    password_hash = peewee.CharField(max_length=256, null=True)
    is_active = peewee.BooleanField(default=True)
    failed_logins = peewee.IntegerField(default=0)
    locked_until = peewee.DateTimeField(null=True)
    last_login_at = peewee.DateTimeField(null=True)
    facsimile_digest = peewee.CharField(max_length=64, null=True)  # an expert's drawn signature (PNG)
    created_at = peewee.DateTimeField(default=_now)

    class Meta:
        audit_masked = ("password_hash",)

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def role_title(self) -> str:
        return ROLE_TITLES[Role(self.role)]

    @property
    def is_staff(self) -> bool:
        return Role(self.role) in STAFF_ROLES

    @property
    def cabinet(self) -> Cabinet:
        role = Role(self.role)
        if role is Role.EXPERT:
            return Cabinet.EXPERT
        if role is Role.APPLICANT:
            return Cabinet.APPLICANT
        return Cabinet(OrgKind(self.organisation.kind).value)

    def is_locked(self, now: dt.datetime | None = None) -> bool:
        return bool(self.locked_until and self.locked_until > (now or _now()))

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"


class WebSession(BaseModel):
    """Server-side session; the cookie holds a random token, the table only its SHA-256."""

    token_hash = peewee.CharField(max_length=64, primary_key=True)
    user = peewee.ForeignKeyField(User, null=True, backref="sessions", on_delete="CASCADE")
    csrf_token = peewee.CharField(max_length=64)
    created_at = peewee.DateTimeField(default=_now)
    expires_at = peewee.DateTimeField(index=True)
    ip = peewee.CharField(max_length=64, null=True)
    user_agent = peewee.CharField(max_length=300, null=True)


class OneTimeToken(BaseModel):
    """Одноразовая ссылка — to set a password; stored hashed, works once, expires."""

    token_hash = peewee.CharField(max_length=64, unique=True)
    user = peewee.ForeignKeyField(User, backref="tokens", on_delete="CASCADE")
    purpose = peewee.CharField(max_length=32)
    created_at = peewee.DateTimeField(default=_now)
    expires_at = peewee.DateTimeField()
    used_at = peewee.DateTimeField(null=True)
