"""Documents the system generates: договор, счёт (with a payment QR code), приказ о проведении НОК.

Every document is filled from the organisations' profiles and the application (nothing typed
twice), rendered from Jinja2 templates in `templates/` to PDF by WeasyPrint (`pdf.py`), A4 in a
Times-like serif; the contract also as DOCX for staff who edit it (`docx_export.py`). Missing
requisites stop a document with a Russian `ValidationError` naming what to fill in.

Modules: `money` (amounts in figures and words), `texts` (dates, initials), `payment_qr`
(ГОСТ Р 56042-2014), `parties` (requisites of the parties), `invoice`, `contract`,
`exam_order`; `testing` builds ready-to-bill sample data for tests. Importing this package
does not import WeasyPrint; rendering does, on first use.
"""
