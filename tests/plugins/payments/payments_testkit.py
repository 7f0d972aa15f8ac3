"""Helpers and fixtures of the payments plugin tests: invoices to pay, 1C statements as banks write
them, the real app (`appliance.testing`) with this plugin alone and a client that uploads statements.

A module with its own name rather than a conftest.py: test files import it (fixtures included) by
name, and no second module called ``conftest`` shadows the one tests/appliance files import.
"""
from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

import pytest

from core.testing import WebClient

from core.models import (Application, GroupApplication, Invoice, OrgKind, ProfStandard, Qualification, Role)
from core.plugins import PluginHost
from core.workflow import Status

COK_ACCOUNT = "40702810938000012345"
VENUE_ACCOUNT = "40702810500000054321"
FOREIGN_ACCOUNT = "40702810100000099999"
ISSUED = dt.date(2026, 1, 20)


class Billing:
    """A ЦОК with its venue, another ЦОК, a qualification, and helpers for applications and invoices."""

    def __init__(self, factory):
        self.factory = factory
        spk = factory.org(OrgKind.SPK)
        self.cok = factory.org(OrgKind.COK, parent=spk, full_name="ООО «ЦОК «Профи»", short_name="ЦОК «Профи»",
                               settlement_account=COK_ACCOUNT, inn="6670000010")
        self.venue = factory.org(OrgKind.VENUE, parent=self.cok, short_name="Площадка «Север»",
                                 settlement_account=VENUE_ACCOUNT)
        self.other_cok = factory.org(OrgKind.COK, parent=spk, short_name="ЦОК «Юг»", settlement_account=FOREIGN_ACCOUNT)
        self.employer = factory.org(OrgKind.EMPLOYER, full_name="ООО «СтройМонтаж»", short_name="СтройМонтаж")
        standard = ProfStandard.create(code="40.002", name="Сварщик")
        self.qualification = Qualification.create(spk=spk, prof_standard=standard, code="40.00200.03",
                                                  name="Сварщик ручной дуговой сварки", level=3)
        self._n = 0

    def application(self, status: Status = Status.AWAITING_PAYMENT, *, cok=None, venue=None, group=None,
                    name: str = "Соколов Дмитрий Олегович") -> Application:
        self._n += 1
        applicant = self.factory.user(Role.APPLICANT, email=f"applicant{self._n}@mail.ru", full_name=name)
        return Application.create(applicant=applicant, cok=cok or self.cok, venue=venue or self.venue,
                                  qualification=self.qualification, status=status.value, full_name=name,
                                  number=f"2026-{self._n:06d}", group_application=group)

    def group(self, *statuses: Status) -> GroupApplication:
        creator = self.factory.user(Role.ADMIN, self.employer)
        group = GroupApplication.create(number=f"Г-2026-{self._n + 1:04d}", employer=self.employer, cok=self.cok,
                                        prof_standard=self.qualification.prof_standard, status="submitted",
                                        created_by=creator)
        for status in statuses:
            self.application(status, group=group)
        return group

    def invoice(self, number: str, amount: str = "12500.00", *, application=None, group=None, cok=None,
                payer: str = "Соколов Дмитрий Олегович", payer_inn: str | None = None) -> Invoice:
        if application is None and group is None:
            application = self.application(cok=cok)
        return Invoice.create(number=number, cok=cok or self.cok, application=application, group_application=group,
                              payer_name=payer, payer_inn=payer_inn, amount=Decimal(amount),
                              contract_number=f"Д-{number}", issued_on=ISSUED)


# --- 1C statements ---------------------------------------------------------------------------

def payment_order(number: str, amount: str, purpose: str, *, account: str = COK_ACCOUNT, day: int = 3,
                  payer: str = "Соколов Дмитрий Олегович", payer_inn: str = "667100000001") -> list[str]:
    """The lines of one incoming «Платежное поручение» section, as a bank writes them."""
    date = f"{day:02d}.02.2026"
    return [
        "СекцияДокумент=Платежное поручение", f"Номер={number}", f"Дата={date}", f"Сумма={amount}",
        "ПлательщикСчет=40817810100000000001", f"ДатаСписано={date}", f"Плательщик=ИНН {payer_inn} {payer}",
        f"ПлательщикИНН={payer_inn}", f"Плательщик1={payer}", "ПлательщикРасчСчет=40817810100000000001",
        "ПлательщикБанк1=ПАО Сбербанк", "ПлательщикБИК=044525225", "ПлательщикКорсчет=30101810400000000225",
        f"ПолучательСчет={account}", f"ДатаПоступило={date}", "Получатель=ИНН 6670000010 ООО «ЦОК «Профи»",
        "ПолучательИНН=6670000010", "Получатель1=ООО «ЦОК «Профи»", f"ПолучательРасчСчет={account}",
        "ПолучательБанк1=Уральский банк ПАО Сбербанк", "ПолучательБИК=046577674",
        "ВидОплаты=01", "Очередность=5", "СрокПлатежа=", f"НазначениеПлатежа={purpose}", "КонецДокумента",
    ]


def statement_lines(*documents: list[str], account: str = COK_ACCOUNT) -> list[str]:
    header = [
        "1CClientBankExchange", "ВерсияФормата=1.03", "Кодировка=Windows", "Отправитель=СберБизнес",
        "Получатель=", "ДатаСоздания=04.02.2026", "ВремяСоздания=09:15:02", "ДатаНачала=01.02.2026",
        "ДатаКонца=03.02.2026", f"РасчСчет={account}", "Документ=Платежное поручение",
        "СекцияРасчСчет", "ДатаНачала=01.02.2026", "ДатаКонца=03.02.2026", f"РасчСчет={account}",
        "НачальныйОстаток=100000.00", "ВсегоПоступило=25000.00", "ВсегоСписано=0.00",
        "КонечныйОстаток=125000.00", "КонецРасчСчет",
    ]
    return header + [line for document in documents for line in document] + ["КонецФайла"]


def statement_bytes(*documents: list[str], encoding: str = "cp1251", newline: str = "\r\n",
                    account: str = COK_ACCOUNT) -> bytes:
    return (newline.join(statement_lines(*documents, account=account)) + newline).encode(encoding)


# --- the real app with the plugin ------------------------------------------------------------

class PaymentsClient(WebClient):
    """The appliance test client plus multipart uploads."""

    def upload_statement(self, path: str, filename: str, data: bytes, *, token_in: str = "url"):
        boundary = f"nok{secrets.token_hex(8)}"
        body = (f'--{boundary}\r\nContent-Disposition: form-data; name="statement"; filename="{filename}"\r\n'
                f"Content-Type: text/plain\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
        headers = {**self._headers(),
                   "Content-Type": f"multipart/form-data; boundary={boundary}"}
        params = {}
        if token_in == "url":
            params["csrf_token"] = self.csrf
        elif token_in == "header":
            headers["X-CSRF-Token"] = self.csrf
        return self._remember(self.client.simulate_post(path, body=body, headers=headers, params=params))


# --- fixtures (imported by the test files that use them) --------------------------------------

@pytest.fixture
def billing(sqlcipher_db, factory) -> Billing:
    return Billing(factory)


@pytest.fixture
def web_plugins():
    """The app under test runs with the payments plugin alone (overrides `appliance.testing`'s)."""
    return PluginHost.with_plugins({"payments": "plugins.payments.hooks"})


@pytest.fixture
def pay_browser(app):
    """Open a new independent browser on the real app with the payments plugin."""
    return lambda: PaymentsClient(app)


@pytest.fixture
def web_billing(services, factory) -> Billing:
    services.db.connect(reuse_if_open=True)
    return Billing(factory)
