"""The 1CClientBankExchange parser: real-looking files in windows-1251 and UTF-8, and damaged ones."""
import datetime as dt
from decimal import Decimal

import pytest

from payments_testkit import COK_ACCOUNT, payment_order, statement_bytes, statement_lines
from core.exceptions import ValidationError
from plugins.payments.statement_1c import parse_statement

PURPOSE = "Оплата по счету №С-2026-00017 от 20.01.2026 за проведение профессионального экзамена. Без НДС"


def test_windows_1251_statement_with_crlf():
    data = statement_bytes(payment_order("417", "12500.00", PURPOSE),
                           payment_order("9", "3000", "Оплата по сч. С 2026 18", day=2, payer="ООО «Ромашка»",
                                         payer_inn="7701234567"))
    assert b"\r\n" in data and "Платежное".encode("cp1251") in data
    statement = parse_statement(data)
    assert statement.encoding == "cp1251" and statement.version == "1.03" and statement.sender == "СберБизнес"
    assert (statement.date_from, statement.date_to) == (dt.date(2026, 2, 1), dt.date(2026, 2, 3))
    assert statement.accounts == (COK_ACCOUNT,)
    (balance,) = statement.balances
    assert (balance.opening, balance.incoming, balance.closing) == (Decimal("100000.00"), Decimal("25000.00"),
                                                                    Decimal("125000.00"))
    first, second = statement.documents
    assert first.kind == "Платежное поручение" and first.number == "417" and first.date == dt.date(2026, 2, 3)
    assert first.amount == Decimal("12500.00") and first.purpose == PURPOSE
    assert first.payer == "Соколов Дмитрий Олегович" and first.payer_inn == "667100000001"
    assert first.recipient_account == COK_ACCOUNT and first.recipient_inn == "6670000010"
    assert first.credited_on == dt.date(2026, 2, 3) and first.line == 21
    assert second.amount == Decimal("3000.00") and second.payer == "ООО «Ромашка»"
    assert first.evidence()["amount"] == Decimal("12500.00")


def test_utf8_with_bom_lf_blank_lines_and_unknown_keys():
    lines = statement_lines(payment_order("1", "100.5", PURPOSE))
    lines.insert(3, "НовыйКлючБанка=что-то своё")
    lines.insert(25, "")
    lines.insert(26, "ПоказательКБК=")
    data = b"\xef\xbb\xbf" + ("\n".join(lines) + "\n\n").encode("utf-8")
    statement = parse_statement(data)
    assert statement.encoding == "utf-8"
    (document,) = statement.documents
    assert document.amount == Decimal("100.50") and document.fields["ПоказательКБК"] == ""


def test_cp866_dos_statement():
    lines = [line.replace("Кодировка=Windows", "Кодировка=DOS").replace("«", '"').replace("»", '"')
             for line in statement_lines(payment_order("5", "1", PURPOSE))]
    statement = parse_statement("\r\n".join(lines).encode("cp866"))
    assert statement.encoding == "cp866" and statement.documents[0].purpose == PURPOSE


def test_misspelt_purpose_key_and_payer_without_short_name():
    order = [line for line in payment_order("7", "10.00", "x") if not line.startswith(("Плательщик1=", "Назначение"))]
    order.insert(-1, f"НазначениениеПлатежа={PURPOSE}")
    (document,) = parse_statement(statement_bytes(order)).documents
    assert document.purpose == PURPOSE and document.payer == "Соколов Дмитрий Олегович"


def test_purpose_split_over_numbered_lines():
    order = [line for line in payment_order("8", "10.00", "x") if not line.startswith("НазначениеПлатежа=")]
    order[-1:-1] = ["НазначениеПлатежа1=Оплата по счету", "НазначениеПлатежа2=С-2026-00017 за экзамен"]
    (document,) = parse_statement(statement_bytes(order)).documents
    assert document.purpose == "Оплата по счету С-2026-00017 за экзамен"


def test_outgoing_payment_has_no_credit_date():
    order = [line if not line.startswith("ДатаПоступило=") else "ДатаПоступило=" for line in
             payment_order("12", "500.00", "Аренда", account="40702810000000000777")]
    (document,) = parse_statement(statement_bytes(order)).documents
    assert document.credited_on is None and document.recipient_account == "40702810000000000777"


def _broken(lines: list[str]) -> str:
    with pytest.raises(ValidationError) as info:
        parse_statement("\r\n".join(lines).encode("cp1251"))
    assert info.value.field == "statement"
    return info.value.message


def _with(line_number: int, replacement: str | None) -> list[str]:
    """A good statement with one line (1-based) replaced, or removed when ``replacement`` is None."""
    lines = statement_lines(payment_order("417", "12500.00", PURPOSE))
    if replacement is None:
        del lines[line_number - 1]
    else:
        lines[line_number - 1] = replacement
    return lines


@pytest.mark.parametrize("line, replacement, message", [
    (24, "Сумма=12,500.00", "Строка 24: Сумма «12,500.00» указана неверно"),
    (24, "Сумма=-5.00", "Строка 24: Сумма «-5.00» указана неверно"),
    (24, "Сумма=0.00", "Строка 24: Сумма платежа должна быть больше нуля"),
    (23, "Дата=31.02.2026", "Строка 23: Дата «31.02.2026» указана неверно"),
    (24, None, "Строка 21: в документе «Платежное поручение» нет поля «Сумма»"),
    (22, "Номер=", "Строка 21: в документе «Платежное поручение» нет поля «Номер»"),
    (30, "просто текст без знака равенства", "Строка 30: непонятная строка «просто текст без знака равенства»"),
    (46, "СекцияДокумент=Платежное поручение", "Строка 46: начат новый блок, а блок «СекцияДокумент» со строки 21"),
    (46, None, "Строка 46: файл закончился, а блок «СекцияДокумент» со строки 21 не закрыт"),
    (20, "КонецДокумента", "Строка 20: «КонецДокумента» без начала блока «СекцияДокумент»"),
    (8, "ДатаНачала=1 февраля", "Строка 8: Дата «1 февраля» указана неверно"),
])
def test_malformed_lines_are_named(line, replacement, message):
    lines = _with(line, replacement)
    assert _broken(lines).startswith(message)


def test_truncated_file_without_end():
    message = _broken(statement_lines(payment_order("417", "12500.00", PURPOSE))[:-5])
    assert "нет строки «КонецФайла»" in message and "выгрузите её из банка заново" in message


@pytest.mark.parametrize("data, message", [
    (b"", "Файл выписки пуст"),
    (b"   \r\n", "Файл выписки пуст"),
    ("Выписка по счёту\r\nСумма=1".encode("cp1251"), "Строка 1: это не выписка в формате 1CClientBankExchange"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "Строка 1: это не выписка в формате 1CClientBankExchange"),
])
def test_not_a_statement(data, message):
    with pytest.raises(ValidationError, match=message):
        parse_statement(data)


def test_statement_without_documents():
    statement = parse_statement(statement_bytes())
    assert statement.documents == () and statement.accounts == (COK_ACCOUNT,)
