"""Оплата экзамена: how a ЦОК (or its venue) confirms that an invoice was paid.

Payment methods ``manual`` (an operator confirms by hand from a payment order) and
``bank_statement`` (incoming payments of a bank statement in the 1C «1CClientBankExchange»
format, matched to invoices by the number in the payment purpose and the exact sum). Pages
under ``/p/payments/<cabinet>/`` («Оплаты» in the ЦОК and venue cabinets) list the invoices
awaiting payment, confirm one by hand and post a statement's matches; every payment is
recorded by ``core.services.payments.record_payment``, which moves the applications to
«Оплачено. Согласование даты». Invoice numbers are expected in the shape «С-2026-00017».
Registers itself under the entry-point group ``nok`` as ``payments``.
"""
