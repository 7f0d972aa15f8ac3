"""Login with lockout, server-side sessions and one-time links to set a password."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee

from core import audit
from core.config import Config
from core.db import write_transaction
from core.exceptions import AuthenticationError, ValidationError
from core.mail import Mailer
from core.models import OneTimeToken, Organisation, User, WebSession
from core.security import (check_password_strength, hash_password, needs_rehash, new_token, token_hash,
                           verify_password)
from core.validators import validate_email

PURPOSE_SET_PASSWORD = "set_password"
PURPOSE_RESET_PASSWORD = "reset_password"
_DUMMY_HASH = hash_password("dummy-password-for-timing-1")
ANONYMOUS_SESSION_LIFETIME = dt.timedelta(hours=1)  # long enough to fill in the login form
GENERIC_LOGIN_ERROR = "Неверный адрес электронной почты или пароль."


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def _plural_attempts(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return f"{n} неудачной попытки"
    return f"{n} неудачных попыток"


def authenticate(email: str, password: str, config: Config, ip: str | None = None) -> User:
    """Return the user for valid credentials or raise `AuthenticationError` (Russian).

    After `lockout_threshold` failures in a row the account is locked for
    `lockout_minutes`; the message does not reveal whether the email exists.
    """
    try:
        email = validate_email(email)
    except ValidationError:
        raise AuthenticationError(GENERIC_LOGIN_ERROR) from None
    user = User.get_or_none(User.email == email)
    if user is None or not user.is_active:
        verify_password(_DUMMY_HASH, password)
        raise AuthenticationError(GENERIC_LOGIN_ERROR)
    actor = audit.Actor(user.id, user.email, ip)
    if user.is_locked():
        raise AuthenticationError(_locked_message(config))
    if not verify_password(user.password_hash, password):
        # Commit the failure first, then raise: raising inside the transaction would roll it back.
        with audit.acting_as(actor), write_transaction():
            user.failed_logins += 1
            locked = user.failed_logins >= config.lockout_threshold
            if locked:
                user.locked_until = now() + dt.timedelta(minutes=config.lockout_minutes)
                user.failed_logins = 0
            user.save()
            audit.record("lockout" if locked else "login_failed", "user", user.id)
        raise AuthenticationError(_locked_message(config) if locked else GENERIC_LOGIN_ERROR)
    with audit.acting_as(actor), write_transaction():
        user.failed_logins = 0
        user.locked_until = None
        user.last_login_at = now()
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        user.save()
        audit.record("login", "user", user.id)
    return user


def _locked_message(config: Config) -> str:
    return (f"Вход временно заблокирован после {_plural_attempts(config.lockout_threshold)}. "
            f"Повторите через {config.lockout_minutes} минут или установите новый пароль по ссылке из письма.")


@dataclass(frozen=True)
class SessionHandle:
    """A session as the web layer needs it: the cookie token and the stored row."""

    token: str
    session: WebSession


def start_session(config: Config, user: User | None, ip: str | None = None, user_agent: str | None = None) -> SessionHandle:
    """Create a server-side session (anonymous ones carry the CSRF token of the login form)."""
    token = new_token()
    lifetime = dt.timedelta(hours=config.session_hours) if user else ANONYMOUS_SESSION_LIFETIME
    # An anonymous session only carries a form's CSRF token: losing it to a power cut costs a reload.
    with write_transaction(relaxed=user is None):
        row = WebSession.create(token_hash=token_hash(token), user=user, csrf_token=new_token(),
                                expires_at=now() + lifetime,
                                ip=ip, user_agent=(user_agent or "")[:300] or None)
    return SessionHandle(token, row)


# The organisation columns every page shows; the rest (requisites) is loaded where needed.
SESSION_ORG_COLUMNS = (Organisation.id, Organisation.kind, Organisation.parent, Organisation.short_name,
                       Organisation.full_name)


def load_session(token: str | None) -> WebSession | None:
    """Return the live session for a cookie token; expired ones are removed."""
    if not token or len(token) > 200:
        return None
    # One query brings the session, its user and the user's organisation (every page needs all three).
    row = (WebSession.select(WebSession, User, *SESSION_ORG_COLUMNS)
           .join(User, peewee.JOIN.LEFT_OUTER)
           .join(Organisation, peewee.JOIN.LEFT_OUTER)
           .where(WebSession.token_hash == token_hash(token))
           .first())
    if row is None:
        return None
    if row.expires_at <= now():
        row.delete_instance()
        return None
    return row


def end_session(token: str | None) -> None:
    if token:
        WebSession.delete().where(WebSession.token_hash == token_hash(token)).execute()


def end_anonymous_session(token: str | None) -> None:
    """Drop a form-only session (no user): nothing is lost if a power cut undoes it."""
    if token:
        with write_transaction(relaxed=True):
            WebSession.delete().where((WebSession.token_hash == token_hash(token)) & WebSession.user.is_null()).execute()


def end_all_sessions(user: User) -> None:
    """Log the user out everywhere (after a password change or deletion)."""
    WebSession.delete().where(WebSession.user == user).execute()


def purge_expired_sessions() -> int:
    return WebSession.delete().where(WebSession.expires_at <= now()).execute()


def issue_password_link(config: Config, user: User, purpose: str = PURPOSE_SET_PASSWORD) -> str:
    """Create a one-time token (older unused ones of the same purpose stop working)."""
    with write_transaction():
        OneTimeToken.update(used_at=now()).where(
            (OneTimeToken.user == user) & (OneTimeToken.purpose == purpose) & OneTimeToken.used_at.is_null()).execute()
        token = new_token()
        OneTimeToken.create(token_hash=token_hash(token), user=user, purpose=purpose,
                            expires_at=now() + dt.timedelta(hours=config.password_link_hours))
        audit.record("password_link_issued", "user", user.id)
    return token


def password_link_url(config: Config, token: str) -> str:
    return f"{config.base_url.rstrip('/')}/password/set?token={token}"


def send_password_link(config: Config, mailer: Mailer, user: User) -> str:
    """Issue a one-time link and mail it; return the token (for the CLI to show offline)."""
    token = issue_password_link(config, user)
    url = password_link_url(config, token)
    org = f" ({user.organisation.short_name})" if user.organisation_id else ""
    body = (
        f"Здравствуйте, {user.full_name}!\n\n"
        f"Для вас создана учётная запись в НОК-Платформе{org}: роль «{user.role_title}», "
        f"логин — {user.email}.\n\n"
        f"Чтобы задать пароль и войти, откройте ссылку (она действует {config.password_link_hours} ч "
        f"и только один раз):\n{url}\n\n"
        "Если вы не ожидали это письмо, просто удалите его.\n\n— НОК-Платформа\n"
    )
    mailer.send(user.email, "Доступ к НОК-Платформе: задайте пароль", body)
    return token


PASSWORD_RESET_INTERVAL = dt.timedelta(minutes=5)


def request_password_reset(config: Config, mailer: Mailer, email: str) -> bool:
    """«Забыли пароль?»: mail a one-time link if the address belongs to an active account.

    Answers the same way whether or not the account exists (the page never says which), and
    sends at most one letter per account every five minutes so the form cannot flood a mailbox.
    Returns whether a letter was sent (for tests and the audit log, never for the page).
    """
    try:
        email = validate_email(email)
    except ValidationError:
        return False
    user = User.get_or_none(User.email == email)
    if user is None or not user.is_active:
        return False
    recent = OneTimeToken.select().where(
        (OneTimeToken.user == user) & (OneTimeToken.purpose == PURPOSE_RESET_PASSWORD)
        & (OneTimeToken.created_at > now() - PASSWORD_RESET_INTERVAL)).exists()
    if recent:
        audit.record("password_reset_throttled", "user", user.id)
        return False
    token = issue_password_link(config, user, PURPOSE_RESET_PASSWORD)
    body = (
        f"Здравствуйте, {user.full_name}!\n\n"
        f"Кто-то (возможно, вы) запросил восстановление пароля для учётной записи {user.email} "
        "в НОК-Платформе.\n\n"
        f"Чтобы задать новый пароль, откройте ссылку (она действует {config.password_link_hours} ч "
        f"и только один раз):\n{password_link_url(config, token)}\n\n"
        "Если вы не запрашивали восстановление, ничего не делайте: пароль останется прежним.\n\n"
        "— НОК-Платформа\n"
    )
    mailer.send(user.email, "НОК-Платформа: восстановление пароля", body)
    return True


def check_password_link(token: str | None) -> OneTimeToken:
    """Return the live token row or raise `AuthenticationError` saying what is wrong."""
    row = OneTimeToken.get_or_none(OneTimeToken.token_hash == token_hash(token or ""))
    if row is None:
        raise AuthenticationError("Ссылка недействительна. Запросите новую на странице «Забыли пароль?».")
    if row.used_at is not None:
        raise AuthenticationError("Ссылка уже использована. Войдите с паролем или запросите новую ссылку.")
    if row.expires_at <= now():
        raise AuthenticationError("Срок действия ссылки истёк. Запросите новую на странице «Забыли пароль?».")
    return row


def set_password_with_link(token: str, password: str, password_repeat: str) -> User:
    """Consume a one-time link and set the password; the link never works twice."""
    row = check_password_link(token)
    user = row.user
    if password != password_repeat:
        raise ValidationError("Пароли не совпадают.", field="password_repeat")
    check_password_strength(password, user.email)
    with audit.acting_as(audit.Actor(user.id, user.email)), write_transaction():
        updated = OneTimeToken.update(used_at=now()).where(
            (OneTimeToken.id == row.id) & OneTimeToken.used_at.is_null()).execute()
        if updated != 1:
            raise AuthenticationError("Ссылка уже использована. Войдите с паролем или запросите новую ссылку.")
        user.password_hash = hash_password(password)
        user.failed_logins = 0
        user.locked_until = None
        user.save()
        end_all_sessions(user)
    return user
