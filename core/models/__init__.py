"""Domain models of the core. Plugins add theirs through `nok_register_models`."""
from core.audit import AuditHead, AuditRecord
from core.models.organisations import ORG_KIND_TITLES, Organisation, OrgKind
from core.models.qualifications import ProfStandard, Qualification
from core.models.users import (CABINET_TITLES, ROLE_TITLES, STAFF_ROLES, Cabinet, OneTimeToken, Role, User,
                               WebSession)

CORE_MODELS = [AuditHead, AuditRecord, Organisation, ProfStandard, Qualification, User, WebSession, OneTimeToken]

__all__ = [
    "AuditHead", "AuditRecord", "CABINET_TITLES", "CORE_MODELS", "Cabinet", "ORG_KIND_TITLES", "OneTimeToken",
    "OrgKind", "Organisation", "ProfStandard", "Qualification", "ROLE_TITLES", "Role", "STAFF_ROLES", "User",
    "WebSession",
]
