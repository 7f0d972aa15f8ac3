"""Domain models of the core. Plugins add theirs through `nok_register_models`."""
from core.audit import AuditHead, AuditRecord
from core.models.applicants import (DOCUMENT_KIND_TITLES, ApplicantProfile, DocumentKind, Education,
                                    StoredDocument, WorkRecord)
from core.models.applications import (Application, ApplicationDocument, ApplicationStatusChange, DocumentReview,
                                      GroupApplication, GroupApplicationRow)
from core.models.billing import Invoice, Payment
from core.models.catalog import ExamSlot, ExpertCertificate, Price, QualificationOffer
from core.models.attempts import (AttemptAnswer, AttemptFile, ExamAttempt, FinishReason, KioskSession, KioskThrottle,
                                  PracticeMark)
from core.models.commission import (CommissionProtocol, CommissionResult, ExpertDecision, GroupVideo, SpkSubmission,
                                    Verdict)
from core.models.exams import Admission, CommissionMember, ExamGroup, GroupMember
from core.models.kos import Kos
from core.models.organisations import ORG_KIND_TITLES, Organisation, OrgKind
from core.models.outbox import OutgoingMail
from core.models.qualifications import ProfStandard, Qualification
from core.models.users import (CABINET_TITLES, ROLE_TITLES, STAFF_ROLES, Cabinet, OneTimeToken, Role, User,
                               WebSession)

# Tables of the first release (migration 0 creates them on a fresh install).
FOUNDATION_MODELS = [AuditHead, AuditRecord, Organisation, ProfStandard, Qualification, User, WebSession,
                     OneTimeToken]
# Tables added by core migration 1: the applicant-to-admission flow.
ADMISSION_MODELS = [OutgoingMail, ApplicantProfile, Education, WorkRecord, StoredDocument, Price,
                    QualificationOffer, ExamSlot, ExpertCertificate, GroupApplication, GroupApplicationRow,
                    Application, ApplicationDocument, ApplicationStatusChange, Invoice, Payment, ExamGroup,
                    CommissionMember, GroupMember]
# Tables added by core migration 2: exam day (КОС, attempts, commission decisions).
EXAM_DAY_MODELS = [Kos, ExamAttempt, AttemptAnswer, AttemptFile, PracticeMark, KioskSession, KioskThrottle,
                   ExpertDecision, CommissionResult, CommissionProtocol, SpkSubmission, GroupVideo]
CORE_MODELS = FOUNDATION_MODELS + ADMISSION_MODELS + EXAM_DAY_MODELS

__all__ = [
    "ADMISSION_MODELS", "Admission", "AttemptAnswer", "AttemptFile", "CommissionProtocol",
    "CommissionResult", "EXAM_DAY_MODELS", "ExamAttempt", "ExpertDecision", "FinishReason", "GroupVideo",
    "KioskSession", "KioskThrottle", "Kos", "PracticeMark", "SpkSubmission", "Verdict", "ApplicantProfile", "Application", "ApplicationDocument",
    "ApplicationStatusChange", "AuditHead", "AuditRecord", "CABINET_TITLES", "CORE_MODELS", "Cabinet",
    "CommissionMember", "DOCUMENT_KIND_TITLES", "DocumentKind", "DocumentReview", "Education", "ExamGroup",
    "ExamSlot", "ExpertCertificate", "FOUNDATION_MODELS", "GroupApplication", "GroupApplicationRow", "GroupMember",
    "Invoice", "ORG_KIND_TITLES", "OneTimeToken", "OrgKind", "Organisation", "OutgoingMail", "Payment", "Price",
    "ProfStandard", "Qualification", "QualificationOffer", "ROLE_TITLES", "Role", "STAFF_ROLES", "StoredDocument",
    "User", "WebSession", "WorkRecord",
]
