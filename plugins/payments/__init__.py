"""Оплата экзамена: how a ЦОК confirms that an applicant's fee was paid.

Payment methods ``manual`` (an operator confirms by hand from a payment order) and
``bank_statement`` (matching entries of a bank statement in the 1CClientBankExchange
format). Registers itself under the entry-point group ``nok`` as ``payments`` (module
``plugins.payments.hooks``). Confirming payments arrives in a later version.
"""
