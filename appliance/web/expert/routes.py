"""Routes of the expert's cabinet (`/cabinet/expert/…`): «Результаты экзаменов» and «Ваша подпись».

Literal paths: the router prefers them to the ЦОК's `/cabinet/{cabinet}/…` routes of the same
sections, so each cabinet keeps its own pages.
"""
from __future__ import annotations

import falcon

from appliance.web.expert import protocol, results, signature
from appliance.web.expert.common import BASE, RESULTS
from core.context import Services


def add_routes(app: falcon.App, services: Services) -> None:
    """Register this area's resources on `app`."""
    result = f"{RESULTS}/{{application_id:int}}"
    app.add_route(RESULTS, results.ResultsListResource(services))
    app.add_route(result, results.ResultResource(services))
    app.add_route(f"{result}/protocol", protocol.ProtocolActionResource(services, "generate"))
    app.add_route(f"{result}/protocol/sign", protocol.ProtocolActionResource(services, "sign"))
    app.add_route(f"{result}/protocol/upload", protocol.ProtocolUploadResource(services))
    app.add_route(f"{result}/protocol.pdf", protocol.ProtocolFileResource(services, "pdf"))
    app.add_route(f"{result}/protocol.docx", protocol.ProtocolFileResource(services, "docx"))
    app.add_route(f"{result}/protocol/scan", protocol.ProtocolFileResource(services, "scan"))
    app.add_route(f"{result}/videos/{{video_id:int}}", protocol.VideoResource(services))
    app.add_route(f"{BASE}/signature", signature.SignatureResource(services))
    app.add_route(f"{BASE}/signature/delete", signature.SignatureDeleteResource(services))
    app.add_route(f"{BASE}/signature/image", signature.SignatureImageResource(services))
