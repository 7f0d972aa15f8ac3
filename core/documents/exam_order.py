"""Приказ о проведении независимой оценки квалификации в форме профессионального экзамена.

The ЦОК orders that a group's exam takes place: when and where, which expert commission (with
its chair), which candidates. Number and date are typed on the group page (seed 002, «Приказ
о проведении НОК»); everything else comes from the group, the ЦОК's profile (signer) and the
applications. «Подписать факсимиле» passes the signer's drawn signature, which is placed on
the signature line.
"""
from __future__ import annotations

from dataclasses import dataclass

from core.documents.contract import LAW_238, RULES_1204
from core.documents.parties import ORDER_FIELDS, candidate_name, place_address, profile_value, require_profile
from core.documents.pdf import png_data_uri, render_pdf
from core.documents.texts import city_of
from core.exceptions import ValidationError
from core.models import Application, CommissionMember, ExamGroup, GroupMember, User
from core.models.exams import GROUP_PRACTICE, Admission

STAGES = {GROUP_PRACTICE: "практический этап"}
DEFAULT_STAGE = "теоретический этап"


@dataclass(frozen=True)
class Person:
    name: str
    number: str = ""
    is_chair: bool = False


def _commission(group: ExamGroup) -> list[Person]:
    members = (CommissionMember.select(CommissionMember, User).join(User)
               .where(CommissionMember.group == group)
               .order_by(CommissionMember.is_chair.desc(), User.full_name))
    people = [Person(m.expert.full_name, is_chair=m.is_chair) for m in members]
    if not people:
        raise ValidationError("Для приказа назначьте экспертную комиссию группы.")
    if sum(p.is_chair for p in people) != 1:
        raise ValidationError("Для приказа в экспертной комиссии должен быть ровно один председатель.")
    return people


def _candidates(group: ExamGroup) -> list[Person]:
    members = (GroupMember.select(GroupMember, Application).join(Application)
               .where(GroupMember.group == group, GroupMember.admission != Admission.REFUSED)
               .order_by(Application.full_name, Application.id))
    people = [Person(candidate_name(m.application), m.application.number or f"№ {m.application.id}")
              for m in members]
    if not people:
        raise ValidationError("Для приказа включите в группу хотя бы одного соискателя.")
    return people


def render_exam_order_pdf(group: ExamGroup, *, facsimile_png: bytes | None = None) -> bytes:
    """The order as PDF; with `facsimile_png` the signer's drawn signature stands on the line."""
    missing = [title for title, value in (("номер приказа", group.order_number),
                                          ("дату приказа", group.order_date)) if not value]
    if missing:
        raise ValidationError("Укажите " + " и ".join(missing) + ".")
    cok = group.cok
    require_profile(cok, ORDER_FIELDS)
    facsimile_uri = None
    if facsimile_png is not None:
        try:
            facsimile_uri = png_data_uri(facsimile_png)
        except ValueError:
            message = "Факсимиле подписи должно быть изображением PNG: нарисуйте подпись заново."
            raise ValidationError(message) from None
    venue = group.venue
    return render_pdf(
        "exam_order.html", title=f"Приказ № {group.order_number}", author=cok.short_name, group=group, cok=cok,
        city=city_of(cok.legal_address), law=LAW_238, rules=RULES_1204,
        stage=STAGES.get(group.kind, DEFAULT_STAGE), qualification=group.qualification, venue=venue,
        venue_address=place_address(venue), commission=_commission(group),
        candidates=_candidates(group), signer_position=profile_value(cok, "signer_position"),
        signer_name=profile_value(cok, "signer_name"), facsimile_uri=facsimile_uri)
