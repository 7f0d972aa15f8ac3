"""Files of the employer's cabinet: reading an upload form, sending a stored document back.

Upload forms are multipart with the CSRF token in the action URL (the middleware must not read
the stream); the file goes straight into `core.uploads.store_upload`, which checks it by content
and size while it streams into the encrypted blob store.
"""
from __future__ import annotations

import falcon

from core.web.downloads import send_blob
from appliance.web.employer.common import BASE, EmployerResource
from core.web.forms import MAX_FIELD, read_form
from core import audit
from core.context import Services
from core.exceptions import ValidationError
from core.services import group_applications as groups
from core.uploads import StoredUpload, store_upload

MIB = 1024 * 1024


def read_upload(req: falcon.Request, services: Services, fields: dict[str, str], *,
                file_field: str = "file") -> StoredUpload:
    """Store the form's one file and collect its text fields into `fields`; raise a field `ValidationError`."""
    if not (req.content_type or "").startswith(falcon.MEDIA_MULTIPART):
        raise ValidationError("Выберите файл для загрузки.", field=file_field)
    upload = None
    limit = services.config.max_upload_mb * MIB
    for part in req.get_media():
        if part.name == file_field and part.filename:
            upload = store_upload(services.blobs, part.stream, part.filename, max_bytes=limit)
        elif part.name != file_field:
            fields[part.name] = part.get_text().strip()[:MAX_FIELD]
    if upload is None:
        raise ValidationError("Выберите файл для загрузки.", field=file_field)
    return upload


class OrganisationDocumentResource(EmployerResource):
    """Download one of the organisation's documents; another organisation's is «not found»."""

    section = "applications"

    def on_get(self, req, resp, document_id):
        user, organisation = self.guard(req)
        document = groups.get_organisation_document(user, organisation, document_id)
        audit.record("download", "stored_document", document.id)
        send_blob(resp, self.services.blobs, document.digest, document.filename, document.content_type)


class OrganisationDocumentDeleteResource(EmployerResource):
    section = "applications"

    def on_post(self, req, resp, document_id):
        user, organisation = self.guard(req)
        document = groups.get_organisation_document(user, organisation, document_id)
        form = read_form(req)
        back = form.get("back", "")
        target = f"{BASE}/applications/{back}" if back.isdigit() else f"{BASE}/applications"
        try:
            groups.delete_organisation_document(user, organisation, document)
        except ValidationError as ex:
            raise falcon.HTTPConflict(title="Документ не удалён", description=ex.message) from None
        raise falcon.HTTPSeeOther(f"{target}?notice=document_deleted")
