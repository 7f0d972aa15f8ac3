"""A НАРК record is checked field by field before anything leaves the registry."""
from __future__ import annotations

import datetime as dt

import pytest

from nark_kit import CERTIFICATE, conclusion, duplicate, payload
from core.exceptions import ValidationError
from plugins.nark_export.record_format import check_record, check_records, is_registration_number


def test_wire_form_holds_exactly_the_documented_fields():
    extra = payload(recommendation="пройти обучение", cok__short_name="ЦОК «Профи»")
    wire = check_record("certificate", CERTIFICATE["document_id"], extra).to_wire()
    assert wire == CERTIFICATE


def test_dates_may_come_as_dates_and_text_is_trimmed():
    record = check_record("certificate", "doc-1", payload(document_id=None, exam_date=dt.date(2026, 11, 18),
                                                          full_name="  Иванов Иван Иванович "))
    assert record.exam_date == dt.date(2026, 11, 18)
    assert record.to_wire()["exam_date"] == "2026-11-18"
    assert record.full_name == "Иванов Иван Иванович"


def test_duplicate_and_conclusion_are_records_too():
    assert check_record("certificate", duplicate()["document_id"], duplicate()).duplicate_of == \
        "40.05400.01.00000007.26"
    assert check_record("conclusion", conclusion()["document_id"], conclusion()).kind == "conclusion"


@pytest.mark.parametrize("changes, field, words", [
    ({"full_name": ""}, "full_name", "не заполнено — поле «ФИО»"),
    ({"full_name": None}, "full_name", "«ФИО»"),
    ({"full_name": 12}, "full_name", "должно быть строкой"),
    ({"full_name": "Иванов\x00Иван"}, "full_name", "управляющие символы"),
    ({"qualification": None}, "qualification", "«квалификация»"),
    ({"qualification__code": "40.054"}, "qualification.code", "NN.NNNNN.NN"),
    ({"qualification__name": " "}, "qualification.name", "«наименование квалификации»"),
    ({"qualification__level": True}, "qualification.level", "от 1 до 9"),
    ({"qualification__level": 10}, "qualification.level", "от 1 до 9"),
    ({"qualification__level": None}, "qualification.level", "не заполнено"),
    ({"cok__inn": "7736050004"}, "cok.inn", "контрольная сумма"),
    ({"cok__inn": "77360"}, "cok.inn", "«ИНН ЦОК»"),
    ({"cok__registry_number": ""}, "cok.registry_number", "«регистрационный номер ЦОК»"),
    ({"spk": "СПК"}, "spk", "должно быть объектом"),
    ({"spk__inn": None}, "spk.inn", "«ИНН СПК»"),
    ({"protocol__number": ""}, "protocol.number", "«номер протокола СПК»"),
    ({"protocol__date": "20.11.2026"}, "protocol.date", "ГГГГ-ММ-ДД"),
    ({"protocol__date": "2026-02-30"}, "protocol.date", "ГГГГ-ММ-ДД"),
    ({"protocol__date": "2026-11-17"}, "protocol.date", "раньше профессионального экзамена"),
    ({"exam_date": None}, "exam_date", "«дата профессионального экзамена»"),
    ({"issued_on": "2026-11-23T10:00:00"}, "issued_on", "ГГГГ-ММ-ДД"),
    ({"valid_until": "2029-11-23"}, "valid_until", "позже даты выдачи"),
    ({"issued_on": "2026-11-23", "valid_until": "2026-11-23"}, "valid_until", "позже даты выдачи"),
    ({"is_duplicate": "нет"}, "is_duplicate", "true или false"),
    ({"is_duplicate": True}, "duplicate_of", "у дубликата"),
    ({"duplicate_of": "40.05400.01.00000007.26"}, "duplicate_of", "только для дубликата"),
    ({"is_duplicate": True, "duplicate_of": "77-15"}, "duplicate_of", "не похож на регистрационный номер"),
    ({"kind": "conclusion"}, "kind", "не совпадает"),
    ({"document_id": "other"}, "document_id", "не совпадает"),
])
def test_bad_field_is_named_in_russian(changes, field, words):
    with pytest.raises(ValidationError) as caught:
        check_record("certificate", CERTIFICATE["document_id"], payload(**changes))
    assert caught.value.field == field
    assert words in caught.value.message
    assert caught.value.message.startswith("Запись для НАРК")


def test_conclusion_has_no_validity():
    with pytest.raises(ValidationError, match="у заключения нет срока действия"):
        check_record("conclusion", conclusion()["document_id"],
                     conclusion(issued_on="2026-11-23", valid_until="2029-11-23"))


@pytest.mark.parametrize("document_id", ["", "два слова", "ключ", "x" * 65, "a\nb", None])
def test_document_id_must_be_header_safe(document_id):
    with pytest.raises(ValidationError) as caught:
        check_record("certificate", document_id, payload(document_id=None))
    assert caught.value.field == "document_id"


def test_submission_names_the_bad_record_and_refuses_repeats():
    with pytest.raises(ValidationError, match="Нет записей"):
        check_records([])
    with pytest.raises(ValidationError, match="^Запись № 2 для НАРК: не заполнено — поле «ФИО»"):
        check_records([payload(), conclusion(full_name="")])
    with pytest.raises(ValidationError, match="Запись № 2 для НАРК: документ .* уже есть в выгрузке"):
        check_records([payload(), payload()])
    with pytest.raises(ValidationError, match="Запись № 1 для НАРК: не указан вид документа"):
        check_records([payload(kind=None)])


@pytest.mark.parametrize("value, expected", [
    ("08.00800.01.00000003.27", True), ("40.05400.01.00000001.26", True),
    ("40.05400.01.0000001.26", False), ("40.05400.01.00000001.2026", False), (" 40.05400.01.00000001.26", False),
    (None, False), (4005400010000000126, False),
])
def test_registration_number_format(value, expected):
    assert is_registration_number(value) is expected
