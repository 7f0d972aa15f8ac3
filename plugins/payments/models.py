"""Tables of the payments plugin (component ``payments``)."""
from __future__ import annotations

import peewee

from core.audit import AuditedModel
from core.models import Organisation, User
from core.models.organisations import _now


class StatementUpload(AuditedModel):
    """Загруженная банковская выписка: the file (encrypted in the blob store) and who uploaded it.

    The file is kept rather than its matches: the results page matches it again against
    the invoices as they are now, so it always shows what is still to be posted.
    """

    organisation = peewee.ForeignKeyField(Organisation, on_delete="RESTRICT")
    uploaded_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    uploaded_at = peewee.DateTimeField(default=_now)
    filename = peewee.CharField(max_length=255)
    digest = peewee.CharField(max_length=64)
    size = peewee.IntegerField()
    #: РасчСчет of the statement (the first one when it covers several accounts).
    account = peewee.CharField(max_length=20, null=True)
    date_from = peewee.DateField(null=True)
    date_to = peewee.DateField(null=True)
    documents = peewee.IntegerField()

    class Meta:
        table_name = "payments_statement"
        indexes = ((("organisation", "uploaded_at"), False),)
