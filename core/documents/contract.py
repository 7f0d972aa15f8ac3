"""Договор возмездного оказания услуг по проведению НОК в форме профессионального экзамена.

The text is built once as data (`ContractText`: preamble, numbered sections, the services
table, both parties' requisites) and then laid out twice: as PDF through the HTML template
and as DOCX for staff who edit the wording in Word. One source means the two files can
never say different things.

Исполнитель is the ЦОК with the preamble from its profile; Заказчик is the applicant (ФИО
and passport from the application) or the paying employer with its requisites.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.documents.invoice import InvoiceLine, invoice_lines, payer_party, vat_note
from core.documents.money import amount_in_words, format_amount
from core.documents.parties import (CONTRACT_FIELDS, Party, candidate_name, organisation_party, place_address,
                                    require_profile)
from core.documents.pdf import render_pdf
from core.documents.texts import city_of, date_words, lower_first
from core.models import Invoice
from core.models.billing import TERMS_POSTPAYMENT

LAW_238 = "Федеральным законом от 03.07.2016 № 238-ФЗ «О независимой оценке квалификации»"
RULES_1204 = ("Правилами проведения центром оценки квалификаций независимой оценки квалификации в форме "
              "профессионального экзамена, утверждёнными постановлением Правительства Российской Федерации "
              "от 16.11.2016 № 1204")
PREPAYMENT_DAYS = "5 (пяти) банковских дней со дня выставления счёта"
POSTPAYMENT_DAYS = "10 (десяти) банковских дней со дня проведения профессионального экзамена"


@dataclass
class Section:
    heading: str
    clauses: list[str]
    services: bool = False  # the services table follows the first clause


@dataclass
class ContractText:
    """Everything a contract says, ready to be laid out as PDF or DOCX."""

    title: str
    subtitle: str
    city: str
    date: str
    preamble: str
    sections: list[Section]
    lines: list[InvoiceLine]
    total: Decimal
    vat_note: str
    executor: Party
    customer: Party
    stamp_customer: bool = True


def _executor_preamble(text: str) -> str:
    """The ЦОК's preamble from its profile, completed with its role if the profile text lacks it."""
    text = " ".join(text.split()).rstrip(" ,;.")
    if "Исполнител" not in text:
        text += " (далее — Исполнитель)"
    if "с одной стороны" not in text:
        text += ", с одной стороны"
    return text


def _customer_preamble(customer: Party) -> str:
    """Заказчик in the nominative only: no position or name has to be declined by the program."""
    if customer.is_person:
        return f"{customer.name}, {customer.passport} (далее — Заказчик)"
    return (f"{customer.name} (далее — Заказчик); от имени Заказчика действует "
            f"{lower_first(customer.signer_position)} {customer.signer_name} на основании документа "
            f"«{customer.authority}»")


def _subject(invoice: Invoice) -> list[str]:
    """Section 1: the service, whom and where it concerns, the law it follows."""
    clauses = ["1.1. Исполнитель обязуется оказать Заказчику услуги по проведению независимой оценки "
               "квалификации в форме профессионального экзамена (далее — услуги, профессиональный экзамен), "
               "а Заказчик обязуется оплатить эти услуги."]
    if invoice.application_id:
        application, venue = invoice.application, invoice.application.venue
        qualification, address = application.qualification, place_address(venue)
        place = venue.full_name + (f", адрес: {address}" if address else "")
        clauses.append(f"1.2. Соискатель: {candidate_name(application)}. Квалификация: «{qualification.title}», "
                       f"код {qualification.code}. Место проведения профессионального экзамена: {place}.")
    else:
        clauses.append("1.2. Профессиональный экзамен проводится в отношении работников Заказчика по "
                       "квалификациям, на экзаменационных площадках и в количестве, указанных в пункте 2.1.")
    clauses.append(f"1.3. Профессиональный экзамен проводится в соответствии с {LAW_238} и {RULES_1204}.")
    after = "" if invoice.payment_terms == TERMS_POSTPAYMENT else " после поступления оплаты"
    clauses.append("1.4. Дата и время профессионального экзамена согласуются Сторонами в личном кабинете "
                   f"Заказчика на НОК-Платформе{after}.")
    return clauses


def _price(invoice: Invoice, lines: list[InvoiceLine]) -> list[str]:
    """Section 2: the total in figures and words, then prepayment or postpayment terms."""
    total = Decimal(invoice.amount)
    note = vat_note(lines)
    clauses = [f"2.1. Стоимость услуг по договору составляет {format_amount(total)} руб. "
               f"({amount_in_words(total)}), {note}. Расчёт стоимости:"]
    if invoice.payment_terms == TERMS_POSTPAYMENT:
        clauses.append(f"2.2. Заказчик оплачивает стоимость услуг в течение {POSTPAYMENT_DAYS} на основании "
                       f"счёта Исполнителя № {invoice.number}.")
    else:
        clauses.append(f"2.2. Заказчик вносит предоплату в размере 100 % стоимости услуг в течение "
                       f"{PREPAYMENT_DAYS} № {invoice.number}, до проведения профессионального экзамена.")
    clauses += ["2.3. Оплата производится безналичным перечислением на расчётный счёт Исполнителя. Обязательство "
                "Заказчика по оплате исполнено с момента зачисления денежных средств на расчётный счёт Исполнителя.",
                "2.4. Стоимость услуг не зависит от результата профессионального экзамена."]
    return clauses


def _duties(customer: Party) -> list[str]:
    """Section 3: what each side must do (an applicant attends in person, an employer sends staff)."""
    attend = ("явиться на профессиональный экзамен" if customer.is_person
              else "обеспечить явку соискателей на профессиональный экзамен")
    return [
        "3.1. Исполнитель обязуется:",
        "3.1.1. провести профессиональный экзамен в согласованные Сторонами дату и время на экзаменационной "
        "площадке, указанной в договоре, с участием экспертной комиссии, сформированной в соответствии с "
        "законодательством Российской Федерации;",
        "3.1.2. использовать оценочные средства, утверждённые советом по профессиональным квалификациям;",
        "3.1.3. в течение 30 (тридцати) календарных дней со дня проведения профессионального экзамена выдать "
        "свидетельство о квалификации или заключение о прохождении профессионального экзамена;",
        "3.1.4. обеспечивать конфиденциальность персональных данных в соответствии с Федеральным законом "
        "от 27.07.2006 № 152-ФЗ «О персональных данных».",
        "3.2. Заказчик обязуется:",
        "3.2.1. оплатить услуги в порядке и в сроки, установленные разделом 2 договора;",
        f"3.2.2. {attend} в согласованные дату и время с документом, удостоверяющим личность;",
        "3.2.3. предоставить достоверные сведения и документы, необходимые для проведения профессионального "
        "экзамена.",
        "3.3. Исполнитель вправе не допустить соискателя к профессиональному экзамену при отсутствии документа, "
        "удостоверяющего личность.",
        f"3.4. Соискатель вправе подать апелляцию в порядке, установленном {LAW_238}.",
    ]


_LIABILITY = [
    "4.1. За неисполнение или ненадлежащее исполнение обязательств по договору Стороны несут ответственность в "
    "соответствии с законодательством Российской Федерации.",
    "4.2. Споры по договору разрешаются путём переговоров, а при недостижении согласия — в судебном порядке в "
    "соответствии с законодательством Российской Федерации.",
]
_TERM = [
    "5.1. Договор вступает в силу со дня его подписания Сторонами и действует до полного исполнения Сторонами "
    "своих обязательств.",
    "5.2. Договор составлен в двух экземплярах, имеющих равную юридическую силу, по одному для каждой из Сторон.",
]


def contract_text(invoice: Invoice) -> ContractText:
    """Build the contract of `invoice` from the profiles; `ValidationError` names what is missing."""
    cok = invoice.cok
    require_profile(cok, CONTRACT_FIELDS)
    customer = payer_party(invoice)
    lines = invoice_lines(invoice)
    preamble = (f"{_executor_preamble(cok.contract_preamble)}, и {_customer_preamble(customer)}, с другой "
                "стороны, вместе именуемые «Стороны», заключили настоящий договор о нижеследующем.")
    sections = [Section("1. Предмет договора", _subject(invoice)),
                Section("2. Стоимость услуг и порядок расчётов", _price(invoice, lines), services=True),
                Section("3. Права и обязанности Сторон", _duties(customer)),
                Section("4. Ответственность Сторон и разрешение споров", list(_LIABILITY)),
                Section("5. Срок действия договора", list(_TERM))]
    return ContractText(
        title=f"ДОГОВОР № {invoice.contract_number}",
        subtitle="возмездного оказания услуг по проведению независимой оценки квалификации в форме "
                 "профессионального экзамена",
        city=city_of(cok.legal_address), date=date_words(invoice.issued_on), preamble=preamble,
        sections=sections, lines=lines, total=Decimal(invoice.amount), vat_note=vat_note(lines),
        executor=organisation_party(cok), customer=customer, stamp_customer=not customer.is_person)


def render_contract_pdf(invoice: Invoice) -> bytes:
    """The contract as PDF (A4), signed by nobody yet: both parties sign the printed copy."""
    text = contract_text(invoice)
    return render_pdf("contract.html", title=f"Договор № {invoice.contract_number}",
                      author=invoice.cok.short_name, doc=text)


def render_contract_docx(invoice: Invoice) -> bytes:
    """The same contract as DOCX, for staff who adjust the wording before signing."""
    from core.documents.docx_export import contract_docx

    return contract_docx(contract_text(invoice))
