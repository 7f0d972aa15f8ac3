"""Routes of the ЦОК and venue cabinets (`/cabinet/cok/…`, `/cabinet/venue/…`)."""
from __future__ import annotations

import falcon

from appliance.web.centre import catalog, experts, group_review, profile, queue, review, schedule
from core.context import Services


def add_routes(app: falcon.App, services: Services) -> None:
    base = "/cabinet/{cabinet}"
    routes = {
        "/profile": profile.ProfileResource,
        "/signature": profile.SignatureResource,
        "/signature/delete": profile.SignatureDeleteResource,
        "/signature/image": profile.SignatureImageResource,
        "/qualifications": catalog.QualificationsResource,
        "/qualifications/add": catalog.OfferAddResource,
        "/qualifications/{qualification_id:int}/price": catalog.PriceResource,
        "/qualifications/{qualification_id:int}/withdraw": catalog.OfferWithdrawResource,
        "/schedule": schedule.ScheduleResource,
        "/schedule/{slot_id:int}/delete": schedule.SlotDeleteResource,
        "/experts": experts.ExpertsListResource,
        "/experts/new": experts.ExpertNewResource,
        "/experts/{expert_id:int}": experts.ExpertResource,
        "/experts/{expert_id:int}/delete": experts.ExpertDeleteResource,
        "/experts/{expert_id:int}/invite": experts.ExpertInviteResource,
        "/experts/{expert_id:int}/certificates": experts.CertificateAddResource,
        "/experts/{expert_id:int}/certificates/{certificate_id:int}/delete": experts.CertificateDeleteResource,
        "/applications": queue.ApplicationsQueueResource,
        "/applications/{application_id:int}": review.ApplicationReviewResource,
        "/applications/{application_id:int}/photo": review.PhotoResource,
        "/applications/{application_id:int}/documents/{document_id:int}": review.DocumentDownloadResource,
        "/applications/{application_id:int}/files/{digest}": review.InvoiceFileResource,
        "/applications/groups/{group_id:int}": group_review.GroupReviewResource,
        "/applications/groups/{group_id:int}/documents/{document_id:int}": group_review.GroupDocumentResource,
        "/applications/groups/{group_id:int}/files/{digest}": group_review.GroupInvoiceFileResource,
    }
    for path, resource in routes.items():
        app.add_route(base + path, resource(services))
