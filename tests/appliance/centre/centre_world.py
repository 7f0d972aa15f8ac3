"""The world of the ЦОК/venue page tests, made directly in the database (the flows under test go through HTTP)."""
from __future__ import annotations

import datetime as dt
import json

from core.models import (Application, ApplicationDocument, DocumentReview, OrgKind, ProfStandard, Qualification,
                         QualificationOffer, Role)
from core.workflow import Status


# A complete, valid ЦОК profile (Сбербанк's real requisites, a made-up account with a correct key).
PROFILE = {
    "full_name": "ООО «Центр оценки квалификаций «Профи»", "short_name": "ЦОК «Профи»",
    "phone": "8 (495) 123-45-67", "email": "Info@Profi-cok.ru", "website": "profi-cok.ru",
    "contact_name": "Орлова Анна Петровна",
    "legal_address": "г. Москва, Селиверстов пер., д. 8, стр. 1", "actual_same_as_legal": "on",
    "actual_address": "",
    "inn": "7707083893", "kpp": "773601001", "ogrn": "1027700132195",
    "bank_name": "ПАО Сбербанк", "bik": "044525225", "settlement_account": "40702810638000000000",
    "corr_account": "30101810400000000225",
    "head_name": "Орлов Игорь Петрович", "head_position": "Директор", "authority_document": "Устава",
    "accountant_name": "Фомина Ирина Сергеевна", "signer_name": "Орлов Игорь Петрович",
    "signer_position": "Директор",
    "contract_preamble": "ООО «ЦОК «Профи» в лице директора Орлова Игоря Петровича, действующего на основании Устава",
}


class CentreWorld:
    """Two qualifications offered by ЦОК «Профи»; a foreign СПК → ЦОК → venue; helpers for applications."""

    def __init__(self, orgs, people, factory):
        self.orgs, self.people, self.factory = orgs, people, factory
        std = ProfStandard.create(code="16.025", name="Сварщик")
        spk = orgs["spk"]
        self.welder = Qualification.create(spk=spk, prof_standard=std, code="16.02500.03",
                                           name="Сварщик ручной дуговой сварки", level=3)
        self.fitter = Qualification.create(spk=spk, prof_standard=std, code="16.02500.04",
                                           name="Сварщик-монтажник", level=4)
        self.spare = Qualification.create(spk=spk, prof_standard=std, code="16.02500.05",
                                          name="Контролёр сварочных работ", level=5)
        for cok in (orgs["cok"], orgs["other_cok"]):
            QualificationOffer.create(cok=cok, qualification=self.welder)
        QualificationOffer.create(cok=orgs["cok"], qualification=self.fitter)
        self.far_spk = factory.org(OrgKind.SPK, short_name="СПК Энергетика")
        self.far_cok = factory.org(OrgKind.COK, parent=self.far_spk, short_name="ЦОК «Энерго»")
        self.far_venue = factory.org(OrgKind.VENUE, parent=self.far_cok, short_name="Площадка «Восток»")
        self.other_venue = factory.org(OrgKind.VENUE, parent=orgs["other_cok"], short_name="Площадка «Юг-1»")
        self.far_admin = factory.user(Role.ADMIN, self.far_cok, email="admin@energo.ru",
                                      full_name="Гусев Роман Ильич")
        self.other_venue_admin = factory.user(Role.ADMIN, self.other_venue, email="admin@yug1.ru",
                                              full_name="Белов Тимур Олегович")

    def application(self, full_name="Соколов Дмитрий Олегович", *, cok="cok", venue=None, qualification=None,
                    status=Status.SUBMITTED, submitted_at=None, documents=("Паспорт", "Диплом")):
        applicant = self.factory.user(Role.APPLICANT, phone="+79024314444")  # the snapshot keeps `full_name`
        data = {"full_name": full_name, "birth_date": "1990-05-17", "snils": "11223344595",
                "passport_series": "4510", "passport_number": "123456", "passport_issued_by": "ОВД Тверского р-на",
                "passport_issue_date": "2010-06-01", "passport_division_code": "770-001",
                "registration_address": "г. Москва, ул. Тверская, д. 1", "email": applicant.email,
                "education": [{"level": "среднее профессиональное", "institution": "Колледж № 1",
                               "diploma_series": "11", "diploma_number": "123", "graduation_year": 2010,
                               "speciality": "Сварочное производство"}],
                "work": [{"employer_name": "ООО «Мост»", "position": "Сварщик", "started_on": "2011-01-10",
                          "ended_on": None}]}
        app = Application.create(applicant=applicant, cok=self.orgs[cok] if isinstance(cok, str) else cok,
                                 venue=venue or self.orgs["venue"], qualification=qualification or self.welder,
                                 status=status.value, full_name=full_name, number=f"З-{applicant.id:05d}",
                                 personal_data=json.dumps(data, ensure_ascii=False),
                                 submitted_at=None if status is Status.DRAFT else (
                                     submitted_at or dt.datetime(2026, 3, 2, 10, 0)))
        for title in documents:
            ApplicationDocument.create(application=app, kind="other", title=title, filename=f"{title}.pdf",
                                       content_type="application/pdf", size=4, digest="0" * 64,
                                       review=DocumentReview.PENDING)
        return app

