"""Login, lockout, sessions and one-time links through the real SMTP sink."""
import datetime as dt
import re

import pytest

from core.exceptions import AuthenticationError, ValidationError
from core.mail import Mailer
from core.models import OrgKind, Role, User, WebSession
from core.services import auth
from core.testing import TEST_PASSWORD


@pytest.fixture
def user(sqlcipher_db, factory):
    return factory.user(Role.OPERATOR, factory.org(OrgKind.VENUE), email="op@venue.ru")


def test_login_ok_and_wrong_password(user, nok_config):
    assert auth.authenticate("OP@venue.ru ", TEST_PASSWORD, nok_config).id == user.id
    with pytest.raises(AuthenticationError, match="Неверный адрес"):
        auth.authenticate("op@venue.ru", "не тот пароль 1", nok_config)
    with pytest.raises(AuthenticationError, match="Неверный адрес"):
        auth.authenticate("nobody@venue.ru", TEST_PASSWORD, nok_config)


def test_lockout_after_repeated_failures(user, nok_config):
    for _ in range(nok_config.lockout_threshold - 1):
        with pytest.raises(AuthenticationError, match="Неверный"):
            auth.authenticate(user.email, "wrong-password-1", nok_config)
    with pytest.raises(AuthenticationError, match="заблокирован после 5 неудачных попыток"):
        auth.authenticate(user.email, "wrong-password-1", nok_config)
    with pytest.raises(AuthenticationError, match="заблокирован"):
        auth.authenticate(user.email, TEST_PASSWORD, nok_config)  # even the right password
    User.update(locked_until=auth.now() - dt.timedelta(seconds=1)).where(User.id == user.id).execute()
    assert auth.authenticate(user.email, TEST_PASSWORD, nok_config).id == user.id


def test_sessions_expire(user, nok_config):
    handle = auth.start_session(nok_config, user, "127.0.0.1", "pytest")
    assert auth.load_session(handle.token).user.id == user.id
    assert handle.session.token_hash != handle.token, "в базе хранится только хэш"
    WebSession.update(expires_at=auth.now() - dt.timedelta(minutes=1)).execute()
    assert auth.load_session(handle.token) is None
    assert auth.load_session("garbage") is None


def test_password_link_by_mail_works_once(user, nok_config, smtp_server):
    mailer = Mailer(smtp_server.host, smtp_server.port, nok_config.mail_from)
    auth.send_password_link(nok_config, mailer, user)
    letter = smtp_server.wait_for(1)[0]
    assert letter["To"] == "op@venue.ru"
    assert letter["Subject"] == "Доступ к НОК-Платформе: задайте пароль"
    token = re.search(r"token=([\w-]+)", smtp_server.body(letter)).group(1)
    with pytest.raises(ValidationError, match="не совпадают"):
        auth.set_password_with_link(token, "Новый-пароль-2026", "Другой-пароль-2026")
    with pytest.raises(ValidationError, match="не менее"):
        auth.set_password_with_link(token, "коротк1", "коротк1")
    auth.set_password_with_link(token, "Новый-пароль-2026", "Новый-пароль-2026")
    assert auth.authenticate(user.email, "Новый-пароль-2026", nok_config).id == user.id
    with pytest.raises(AuthenticationError, match="уже использована"):
        auth.set_password_with_link(token, "Ещё-пароль-2026", "Ещё-пароль-2026")


def test_expired_and_superseded_links(user, nok_config):
    first = auth.issue_password_link(nok_config, user)
    second = auth.issue_password_link(nok_config, user)
    with pytest.raises(AuthenticationError, match="уже использована"):
        auth.check_password_link(first)
    from core.models import OneTimeToken
    OneTimeToken.update(expires_at=auth.now() - dt.timedelta(hours=1)).execute()
    with pytest.raises(AuthenticationError, match="истёк"):
        auth.check_password_link(second)
    with pytest.raises(AuthenticationError, match="недействительна"):
        auth.check_password_link("no-such-token")
