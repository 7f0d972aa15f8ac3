"""Bank statement pages: upload a 1C statement, see what matched and why, post the matches.

The upload form is multipart, so its CSRF token travels in the action URL
(``?csrf_token=…``), which ``CsrfMiddleware`` accepts for multipart bodies. The file is
kept encrypted in the blob store (it names payers) and re-matched on every view, so the
results always show what is still to be posted; posting is idempotent because
``record_payment`` returns the payment already recorded for the same order.
"""
from __future__ import annotations

import posixpath
from decimal import Decimal

import falcon
import peewee

from core import audit
from core.exceptions import NotFoundError, ValidationError
from core.models import User
from core.services.payments import PaymentDue, record_payment
from plugins.payments.matching import Match, Outcome, match_statement
from plugins.payments.models import StatementUpload
from plugins.payments.pages import PaymentsPage, paginate
from plugins.payments.providers import BankStatementPayment
from plugins.payments.statement_1c import Statement, parse_statement

MAX_STATEMENT_MB = 10
FILE_FIELD = "statement"


class StatementsPage(PaymentsPage):
    """«Загрузить выписку»: the upload form and the statements uploaded before."""

    def on_get(self, req, resp, cabinet):
        user, organisation = self.guard(req, cabinet, requisites=True)
        self._page(req, resp, organisation)

    def on_post(self, req, resp, cabinet):
        user, organisation = self.guard(req, cabinet, requisites=True)
        try:
            filename, data = self._read_upload(req)
            statement = parse_statement(data)
            if not organisation.settlement_account:
                raise ValidationError("В профиле организации не указан расчётный счёт: заполните реквизиты в "
                                      "разделе «Ваш профиль», чтобы сверять поступления.", FILE_FIELD)
        except ValidationError as ex:
            self._page(req, resp, organisation, error=ex.message, status=falcon.HTTP_422)
            return
        blob = self.services.blobs.put(data)
        upload = StatementUpload.create(
            organisation=organisation, uploaded_by=user, filename=filename, digest=blob.digest, size=blob.size,
            account=statement.accounts[0] if statement.accounts else None, date_from=statement.date_from,
            date_to=statement.date_to, documents=len(statement.documents))
        raise falcon.HTTPSeeOther(f"/p/payments/{cabinet}/statements/{upload.id}")

    def _page(self, req, resp, organisation, *, error: str | None = None, status=falcon.HTTP_200) -> None:
        page = req.get_param_as_int("page", default=1, min_value=1)
        query = (StatementUpload.select(StatementUpload, User)
                 .join(User, peewee.JOIN.LEFT_OUTER, on=(StatementUpload.uploaded_by == User.id))
                 .where(StatementUpload.organisation == organisation.id)
                 .order_by(StatementUpload.uploaded_at.desc(), StatementUpload.id.desc()))
        uploads, total, pages = paginate(query, page)
        self.render(req, resp, "payments/statements.html", status=status, title="Выписки банка", uploads=uploads,
                    total=total, page=min(page, pages), pages=pages, error=error, max_mb=self._limit_mb(),
                    account=organisation.settlement_account)

    def _limit_mb(self) -> int:
        return min(MAX_STATEMENT_MB, self.services.config.max_upload_mb)

    def _read_upload(self, req: falcon.Request) -> tuple[str, bytes]:
        """Return the uploaded file's name and bytes, refusing a missing or oversized file."""
        if not (req.content_type or "").startswith(falcon.MEDIA_MULTIPART):
            raise ValidationError("Выберите файл выписки.", FILE_FIELD)
        limit = self._limit_mb() * 1024 * 1024
        for part in req.get_media():
            if part.name != FILE_FIELD or not part.filename:
                continue
            data = part.stream.read(limit + 1)
            if len(data) > limit:
                raise ValidationError(f"Файл больше {self._limit_mb()} МБ — это не похоже на выписку.", FILE_FIELD)
            name = posixpath.basename(part.filename.replace("\\", "/")).strip() or "выписка.txt"
            return name[:255], data
        raise ValidationError("Выберите файл выписки (текстовый файл 1CClientBankExchange из банка).", FILE_FIELD)


class _UploadPage(PaymentsPage):
    def load(self, req, cabinet, upload_id) -> tuple:
        user, organisation = self.guard(req, cabinet, requisites=True)
        upload = StatementUpload.get_or_none((StatementUpload.id == upload_id)
                                             & (StatementUpload.organisation == organisation.id))
        if upload is None:
            raise NotFoundError("Выписка не найдена.")
        statement = parse_statement(self.services.blobs.read(upload.digest))
        return user, organisation, upload, statement


class StatementPage(_UploadPage):
    """What each payment of one statement became: matched, or why not."""

    def on_get(self, req, resp, cabinet, upload_id):
        user, organisation, upload, statement = self.load(req, cabinet, upload_id)
        matches = match_statement(statement, organisation)
        audit.record("view", "payments_statement", upload.id)
        groups = [(outcome, [m for m in matches if m.outcome is outcome]) for outcome in Outcome]
        matched = groups[0][1]
        self.render(req, resp, "payments/statement.html", title="Сверка выписки", upload=upload,
                    statement=statement, groups=[(o, ms) for o, ms in groups if ms], matched=matched,
                    matched_total=sum((m.document.amount for m in matched), Decimal(0)),
                    account=organisation.settlement_account, warning=_account_warning(statement, organisation),
                    posted=req.get_param_as_int("posted"), failed=req.get_param_as_int("failed"))


class StatementPostPage(_UploadPage):
    """«Провести совпавшие платежи»: record every matched payment, each in its own transaction."""

    def on_post(self, req, resp, cabinet, upload_id):
        user, organisation, upload, statement = self.load(req, cabinet, upload_id)
        posted = failed = 0
        for match in match_statement(statement, organisation):
            if match.outcome is Outcome.MATCHED:
                if self._post(match, user):
                    posted += 1
                else:
                    failed += 1
        raise falcon.HTTPSeeOther(f"/p/payments/{cabinet}/statements/{upload.id}?posted={posted}&failed={failed}")

    def _post(self, match: Match, user) -> bool:
        try:
            confirmation = BankStatementPayment().confirm(PaymentDue.for_invoice(match.invoice),
                                                          match.document.evidence())
            record_payment(match.invoice, confirmation, BankStatementPayment.code, user, self.services.plugins)
        except ValidationError:
            # Someone paid or cancelled the invoice meanwhile; the re-matched page shows why.
            return False
        return True


def _account_warning(statement: Statement, organisation) -> str | None:
    account = "".join((organisation.settlement_account or "").split())
    if not account:
        return "В профиле организации не указан расчётный счёт — сверить поступления не с чем."
    if statement.accounts and account not in statement.accounts:
        return (f"Выписка по счёту {', '.join(statement.accounts)}, а расчётный счёт организации — {account}. "
                "Загрузите выписку по своему счёту.")
    return None
