"""record_payment: exact sums only, one payment order per invoice, idempotent, applications move on."""
import datetime as dt
from decimal import Decimal

import pytest

from core.exceptions import NotFoundError, PluginError, ValidationError
from core.models import (Application, ApplicationStatusChange, GroupApplication, GroupApplicationRow, Invoice,
                         OrgKind, OutgoingMail, Payment, ProfStandard, Qualification, Role)
from core.plugin_api import hookimpl
from core.plugins import PluginHost
from core.providers import PaymentConfirmation
from core.services.payments import (PaymentDue, format_rub, get_visible_invoice, record_payment,
                                    visible_invoices)
from core.workflow import Status

AWAITING, PAID, WITHDRAWN = Status.AWAITING_PAYMENT, Status.PAID_DATE_AGREEMENT, Status.WITHDRAWN


class World:
    def __init__(self, factory):
        self.factory = factory
        spk = factory.org(OrgKind.SPK)
        self.cok = factory.org(OrgKind.COK, parent=spk)
        self.venue = factory.org(OrgKind.VENUE, parent=self.cok)
        self.far_venue = factory.org(OrgKind.VENUE, parent=self.cok)
        self.other_cok = factory.org(OrgKind.COK, parent=spk)
        self.employer = factory.org(OrgKind.EMPLOYER)
        self.operator = factory.user(Role.OPERATOR, self.cok, email="operator@cok.ru")
        standard = ProfStandard.create(code="40.054", name="Специалист в области охраны труда")
        self.qualification = Qualification.create(spk=spk, prof_standard=standard, code="40.05400.01",
                                                  name="Специалист по охране труда", level=6)
        self.count = 0

    def application(self, status=AWAITING, venue=None, group=None):
        self.count += 1
        applicant = self.factory.user(Role.APPLICANT, email=f"person{self.count}@mail.ru")
        return Application.create(applicant=applicant, cok=self.cok, venue=venue or self.venue, group_application=group,
                                  qualification=self.qualification, status=status.value, number=f"A-{self.count}")

    def invoice(self, number, amount="12500.00", application=None, group=None, cok=None):
        return Invoice.create(number=number, cok=cok or self.cok, application=application, group_application=group,
                              payer_name="Плательщик", amount=Decimal(amount), contract_number=f"Д-{number}",
                              issued_on=dt.date(2026, 1, 20))

    def group(self, *statuses, venue=None):
        group = GroupApplication.create(number=f"Г-{self.count}", employer=self.employer, cok=self.cok,
                                        prof_standard=self.qualification.prof_standard, status="submitted",
                                        created_by=self.factory.user(Role.ADMIN, self.employer))
        for status in statuses:
            self.application(status, venue=venue or self.far_venue, group=group)
        return group


@pytest.fixture
def world(sqlcipher_db, factory):
    return World(factory)


def paid(amount="12500.00", reference="№ 417 от 03.02.2026", payer="Соколов Дмитрий Олегович"):
    return PaymentConfirmation(amount=Decimal(amount), paid_on=dt.date(2026, 2, 3), reference=reference, payer=payer)


def test_payment_marks_invoice_paid_and_moves_application(db, factory):
    world = World(factory)
    application = world.application()
    invoice = world.invoice("С-2026-00017", application=application)
    payment = record_payment(invoice, paid(), "bank_statement", None, PluginHost())
    assert (payment.amount, payment.method, payment.reference, payment.confirmed_by) == (
        Decimal("12500.00"), "bank_statement", "№ 417 от 03.02.2026", None)
    assert Invoice.get_by_id(invoice.id).paid_at is not None
    assert Application.get_by_id(application.id).status == PAID.value
    change = ApplicationStatusChange.get(ApplicationStatusChange.application == application)
    assert change.actor_label == "система" and "С-2026-00017" in change.comment
    assert "Оплачено. Согласование даты" in OutgoingMail.get().subject


def test_staff_confirmation_is_recorded_as_the_centre(world):
    application = world.application()
    invoice = world.invoice("С-2026-00018", application=application)
    payment = record_payment(invoice, paid(), "manual", world.operator, PluginHost())
    assert payment.confirmed_by_id == world.operator.id
    assert ApplicationStatusChange.get(ApplicationStatusChange.application == application).actor_label == "operator@cok.ru"


def test_same_reference_for_same_invoice_returns_existing_payment(world):
    invoice = world.invoice("С-2026-00019", application=world.application())
    first = record_payment(invoice, paid(), "manual", world.operator, PluginHost())
    again = record_payment(invoice, paid(payer="другой текст"), "bank_statement", None, PluginHost())
    assert again.id == first.id and Payment.select().count() == 1
    assert ApplicationStatusChange.select().count() == 1


def test_reference_already_used_for_another_invoice_is_refused(world):
    first = world.invoice("С-2026-00020", application=world.application())
    second_application = world.application()
    second = world.invoice("С-2026-00021", application=second_application)
    record_payment(first, paid(), "manual", None, PluginHost())
    with pytest.raises(ValidationError, match="уже зачтено в оплату счёта № С-2026-00020") as info:
        record_payment(second, paid(), "manual", None, PluginHost())
    assert info.value.field == "reference"
    assert Invoice.get_by_id(second.id).paid_at is None
    assert Application.get_by_id(second_application.id).status == AWAITING.value


def test_the_same_order_number_at_another_centre_is_not_a_conflict(world):
    ours = world.invoice("С-2026-00022", application=world.application())
    theirs = world.invoice("Ю-2026-00001", cok=world.other_cok)
    record_payment(ours, paid(), "manual", None, PluginHost())
    assert record_payment(theirs, paid(), "manual", None, PluginHost()).invoice_id == theirs.id


@pytest.mark.parametrize("amount, message", [
    ("12500.01", "больше суммы к оплате по счёту № С-2026-00023 .*переплата 0,01"),
    ("12000.00", "меньше суммы к оплате по счёту № С-2026-00023 .*не хватает 500,00"),
])
def test_overpayment_and_partial_payment_are_refused(world, amount, message):
    application = world.application()
    invoice = world.invoice("С-2026-00023", application=application)
    with pytest.raises(ValidationError, match=message):
        record_payment(invoice, paid(amount), "manual", None, PluginHost())
    assert Payment.select().count() == 0 and Invoice.get_by_id(invoice.id).paid_at is None
    assert Application.get_by_id(application.id).status == AWAITING.value


@pytest.mark.parametrize("amount, message", [("0", "положительным"), ("-1", "положительным"),
                                             ("10.001", "точнее копейки")])
def test_nonsense_amounts_are_refused(world, amount, message):
    invoice = world.invoice("С-2026-00024", application=world.application())
    with pytest.raises(ValidationError, match=message):
        record_payment(invoice, paid(amount), "manual", None, PluginHost())


def test_empty_reference_is_refused(world):
    invoice = world.invoice("С-2026-00025", application=world.application())
    with pytest.raises(ValidationError, match="номер платёжного поручения"):
        record_payment(invoice, paid(reference="  "), "manual", None, PluginHost())


def test_paid_and_cancelled_invoices_take_no_more_money(world):
    invoice = world.invoice("С-2026-00026", application=world.application())
    record_payment(invoice, paid(), "manual", None, PluginHost())
    with pytest.raises(ValidationError, match="уже оплачен"):
        record_payment(invoice, paid(reference="№ 418 от 03.02.2026"), "manual", None, PluginHost())
    cancelled = world.invoice("С-2026-00027", application=world.application())
    cancelled.cancelled_at = dt.datetime(2026, 1, 25)
    cancelled.save()
    with pytest.raises(ValidationError, match="аннулирован"):
        record_payment(cancelled, paid(reference="№ 419 от 03.02.2026"), "manual", None, PluginHost())


def test_group_invoice_moves_every_application_awaiting_payment(world):
    group = world.group(AWAITING, AWAITING, WITHDRAWN)
    invoice = world.invoice("С-2026-00028", "37500.00", group=group)
    record_payment(invoice, paid("37500.00"), "bank_statement", None, PluginHost())
    statuses = [a.status for a in Application.select().where(Application.group_application == group).order_by(Application.id)]
    assert statuses == [PAID.value, PAID.value, WITHDRAWN.value]


def test_application_not_awaiting_payment_stays_where_it_is(world):
    application = world.application(WITHDRAWN)
    invoice = world.invoice("С-2026-00029", application=application)
    record_payment(invoice, paid(), "manual", None, PluginHost())
    assert Invoice.get_by_id(invoice.id).paid_at is not None
    assert Application.get_by_id(application.id).status == WITHDRAWN.value


def test_failing_status_hook_rolls_everything_back(world):
    class Refuses:
        @hookimpl
        def nok_application_status_changed(self, application):
            raise RuntimeError("очередь недоступна")

    invoice = world.invoice("С-2026-00030", application=world.application())
    with pytest.raises(PluginError):
        record_payment(invoice, paid(), "manual", None, PluginHost.with_plugins({"refuses": Refuses()}))
    assert Payment.select().count() == 0 and Invoice.get_by_id(invoice.id).paid_at is None


def test_who_sees_which_invoice(world):
    own = world.invoice("С-2026-00031", application=world.application())
    elsewhere = world.invoice("С-2026-00032", application=world.application(venue=world.far_venue))
    group_here = world.group(AWAITING, venue=world.venue)
    by_member = world.invoice("С-2026-00033", group=group_here)
    group_by_row = world.group()
    GroupApplicationRow.create(group_application=group_by_row, qualification=world.qualification, venue=world.venue,
                               people_count=2)
    by_row = world.invoice("С-2026-00034", group=group_by_row)
    foreign = world.invoice("Ю-2026-00001", cok=world.other_cok)

    def numbers(org):
        return {i.number for i in visible_invoices(org)}

    assert numbers(world.cok) == {own.number, elsewhere.number, by_member.number, by_row.number}
    assert numbers(world.venue) == {own.number, by_member.number, by_row.number}
    assert numbers(world.other_cok) == {foreign.number}
    assert numbers(world.employer) == set() and numbers(None) == set()
    assert get_visible_invoice(world.venue, own.id).id == own.id
    with pytest.raises(NotFoundError, match="Счёт не найден"):
        get_visible_invoice(world.venue, elsewhere.id)


def test_payment_due_and_roubles():
    due = PaymentDue("С-2026-00035", Decimal("12500.00"), "Оплата по счёту № С-2026-00035")
    due.require_exact(Decimal("12500"))
    with pytest.raises(ValidationError, match="переплата") as info:
        due.require_exact(Decimal("12600"))
    assert info.value.field == "amount"
    assert format_rub(Decimal("1234567.5")) == "1\u00a0234\u00a0567,50\u00a0₽"
    assert format_rub(Decimal("0")) == "0,00\u00a0₽"
