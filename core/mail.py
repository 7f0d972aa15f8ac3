"""Outgoing mail through a real SMTP server (the ЦОК's relay; tests use aiosmtpd on loopback)."""
from __future__ import annotations

import logging
import smtplib
from email import policy
from email.message import EmailMessage
from email.utils import make_msgid

from core.exceptions import MailDeliveryError

log = logging.getLogger(__name__)
# The default 78-column folding of Cyrillic (RFC 2047) headers drops the space at a fold
# («Платформе:задайте»); long lines are allowed by SMTP (998), so we do not fold.
MAIL_POLICY = policy.SMTP.clone(max_line_length=998)


class Mailer:
    """Send plain-text Russian letters; one SMTP connection per letter keeps it simple and robust."""

    def __init__(self, host: str, port: int, sender: str, timeout: float = 10.0):
        self.host, self.port, self.sender, self.timeout = host, port, sender, timeout

    def send(self, to: str, subject: str, body: str) -> str:
        """Deliver one letter and return its Message-ID; raise `MailDeliveryError` if refused."""
        msg = EmailMessage(policy=MAIL_POLICY)
        msg["From"] = self.sender
        msg["To"] = to
        msg["Subject"] = subject
        msg["Message-ID"] = make_msgid(domain="nok.local")
        msg.set_content(body, charset="utf-8")
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                smtp.send_message(msg)
        except (OSError, smtplib.SMTPException) as ex:
            log.warning("mail to %s failed: %s", to, ex)
            raise MailDeliveryError(
                f"Не удалось отправить письмо на {to}: почтовый сервер {self.host}:{self.port} недоступен.") from ex
        return msg["Message-ID"]
