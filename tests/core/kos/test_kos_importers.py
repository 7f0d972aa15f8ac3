"""Importers without the database: IMS QTI 2.1 packages, Moodle XML, our JSON, the паспорт, bad files."""
from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest

from core.exceptions import ValidationError
from core.kos import read_kos
from core.kos.reader import detect_format
from kos_kit import asset, bad, small_kos

TODAY = dt.date(2026, 3, 2)


def _opts(*pairs):
    return [{"id": i, "text": t, "correct": c} for i, t, c in pairs]


QTI_SECTIONS = [
    {"id": "law", "title": "Нормативные требования охраны труда", "questions": [
        {"id": "training-act", "type": "single", "points": 2,
         "text": "Какой нормативный правовой акт устанавливает порядок обучения по охране труда и проверки знания "
                 "требований охраны труда?",
         "options": _opts(("ChoiceA", "Постановление Правительства РФ от 24.12.2021 № 2464", True),
                          ("ChoiceB", "Федеральный закон от 28.12.2013 № 426-ФЗ", False),
                          ("ChoiceC", "Приказ Минтруда России от 29.10.2021 № 776н", False),
                          ("ChoiceD", "Федеральный закон от 24.07.1998 № 125-ФЗ", False))},
        {"id": "briefing-kinds", "type": "multiple", "points": 1,
         "text": "Выберите все верные ответы.\nКакие инструктажи по охране труда предусмотрены Порядком обучения по "
                 "охране труда?",
         "options": _opts(("A", "Вводный инструктаж", True), ("B", "Инструктаж на рабочем месте", True),
                          ("C", "Целевой инструктаж", True), ("D", "Ежеквартальный инструктаж", False))},
        {"id": "accident-form", "type": "text", "points": 1, "answers": ["Н-1", "Н1"],
         "text": "Несчастный случай на производстве, квалифицированный как связанный с производством, оформляется "
                 "актом по форме ____ ."},
        {"id": "suot-document", "type": "text", "points": 1,
         "answers": ["Положение о системе управления охраной труда", "Положение о СУОТ"],
         "text": "Как называется локальный нормативный акт работодателя, который устанавливает структуру и порядок "
                 "функционирования системы управления охраной труда?"},
        {"id": "funding-share", "type": "number", "points": 1, "answer": 0.2, "tolerance": 0.05,
         "text": "Каков минимальный размер финансирования мероприятий по улучшению условий и охраны труда "
                 "работодателем, в процентах от суммы затрат на производство продукции (работ, услуг)?\n____ %"},
    ]},
    {"id": "risks", "title": "Условия труда и профессиональные риски", "questions": [
        {"id": "work-classes", "type": "matching", "points": 1,
         "text": "Сопоставьте класс условий труда и его наименование по Федеральному закону № 426-ФЗ.",
         "pairs": [{"id": "K1", "left": "1 класс", "right": "Оптимальные условия труда"},
                   {"id": "K2", "left": "2 класс", "right": "Допустимые условия труда"},
                   {"id": "K3", "left": "3 класс", "right": "Вредные условия труда"},
                   {"id": "K4", "left": "4 класс", "right": "Опасные условия труда"}]},
        {"id": "risk-steps", "type": "ordering", "points": 1,
         "text": "Расположите этапы управления профессиональными рисками в правильном порядке.",
         "items": [{"id": "S2", "text": "Выявление опасностей"},
                   {"id": "S4", "text": "Оценка уровней профессиональных рисков"},
                   {"id": "S1", "text": "Применение мер по снижению уровней профессиональных рисков"},
                   {"id": "S3", "text": "Мониторинг и пересмотр выявленных профессиональных рисков"}]},
        {"id": "sout-period", "type": "number", "points": 1, "answer": 5, "tolerance": 0,
         "text": "Не реже одного раза во сколько лет проводится специальная оценка условий труда (если нет оснований "
                 "для внеплановой)? ____"},
    ]},
]

MOODLE_SECTIONS = [
    {"id": "training", "title": "Обучение и инструктажи", "questions": [
        {"id": "training-intro", "type": "single", "points": 1, "text": "Кто проводит вводный инструктаж по охране труда?",
         "options": _opts(("a", "Специалист по охране труда или работник, на которого приказом работодателя возложены "
                                "эти обязанности", True),
                          ("b", "Непосредственный руководитель работ", False), ("c", "Представитель профсоюза", False))},
        {"id": "training-q2", "type": "multiple", "points": 2,
         "text": "В каких случаях проводится внеплановый инструктаж по охране труда?",
         "options": _opts(("a", "Изменение технологического процесса или замена оборудования", True),
                          ("b", "Произошедшие авария или несчастный случай", True),
                          ("c", "Перерыв в работе более 60 календарных дней", True),
                          ("d", "Перевод работника на дистанционную работу по его просьбе", False))},
        {"id": "training-q3", "type": "single", "points": 1,
         "text": "Повторный инструктаж по охране труда проводится не реже одного раза в 6 месяцев.",
         "options": _opts(("true", "Верно", True), ("false", "Неверно", False))},
        {"id": "training-q4", "type": "number", "points": 1, "answer": 60, "tolerance": 0,
         "text": "Не позднее скольких календарных дней после заключения трудового договора работник должен пройти "
                 "обучение требованиям охраны труда?"},
    ]},
    {"id": "s2", "title": "Расследование несчастных случаев", "questions": [
        {"id": "s2-q1", "type": "matching", "points": 1, "text": "Сопоставьте несчастный случай и срок его расследования.",
         "pairs": [{"id": "p1", "left": "Лёгкий несчастный случай", "right": "3 календарных дня"},
                   {"id": "p2", "left": "Тяжёлый несчастный случай", "right": "15 календарных дней"}]},
        {"id": "s2-q2", "type": "text", "points": 1, "answers": ["Н-1", "форма Н-1"],
         "text": "По какой форме оформляется акт о несчастном случае на производстве?"},
        {"id": "s2-q3", "type": "number", "points": 1.5, "answer": 45, "tolerance": 0.5,
         "text": "Сколько лет работодатель хранит акт о несчастном случае на производстве вместе с материалами "
                 "расследования?"},
        {"id": "s2-q4", "type": "ordering", "points": 1,
         "text": "Расположите действия работодателя при несчастном случае по порядку.",
         "items": [{"id": "a", "text": "Организовать первую помощь пострадавшему"},
                   {"id": "b", "text": "Сохранить обстановку на месте происшествия"},
                   {"id": "c", "text": "Образовать комиссию по расследованию"}]},
    ]},
]


def _key_order(sections):
    """Compare regardless of the key order inside each question (json round trip sorts nothing)."""
    return json.loads(json.dumps(sections, sort_keys=True))


def test_qti_package_gives_exactly_these_questions_and_a_default_specification():
    result = read_kos(asset("qti_labour_safety.zip"), default_title="КОС «Специалист по охране труда»", today=TODAY)
    doc = result.document
    assert result.source_format == "qti"
    assert _key_order(doc["theory"]["sections"]) == _key_order(QTI_SECTIONS)
    assert doc["title"] == "Охрана труда: банк тестовых заданий"  # the assessmentTest's title
    assert doc["version"] == "2026.03.02"
    # no паспорт and no current КОС: every question, 60 minutes, 70 % of 9 points rounded up
    assert doc["theory"]["specification"] == {"time_limit_minutes": 60, "pass_points": 7,
                                              "draw": [{"section": "law", "count": 5}, {"section": "risks", "count": 3}]}
    assert doc["theory"]["samples"] == [] and doc["practice"] is None and doc["portfolio"] is None
    assert any("все вопросы каждого раздела (8 вопросов), время — 60 минут, проходной балл — 70 % (7 баллов)" in n
               for n in result.notes)
    assert any("присвоена версия «2026.03.02»" in n for n in result.notes)


def test_moodle_xml_gives_exactly_these_questions():
    result = read_kos(asset("moodle_labour_safety.xml"), taken_versions={"2026.03.02"}, today=TODAY)
    assert result.source_format == "moodle"
    assert _key_order(result.document["theory"]["sections"]) == _key_order(MOODLE_SECTIONS)
    assert result.document["version"] == "2026.03.02-2", "a free version is chosen"
    assert result.document["theory"]["specification"]["pass_points"] == 7  # 9,5 points × 70 % = 6,65 → 7


def test_format_is_recognised_by_content_not_by_name():
    assert detect_format(asset("qti_labour_safety.zip")) == "qti"
    assert detect_format(asset("moodle_labour_safety.xml")) == "moodle"
    assert detect_format(b"\xef\xbb\xbf  " + json.dumps(small_kos()).encode()) == "json"
    # read_kos never sees the name: a renamed file is read the same way
    assert read_kos(json.dumps(small_kos(), ensure_ascii=False).encode()).document["version"] == "2026.1"


def test_passport_supplies_version_specification_samples_practice_and_portfolio():
    passport = small_kos(version="2026.2", title="КОС из QTI с паспортом")
    del passport["theory"]["sections"]
    passport["theory"]["specification"] = {"time_limit_minutes": 45, "pass_points": 4,
                                           "draw": [{"section": "law", "count": 3}, {"section": "risks", "count": 2}]}
    result = read_kos(asset("qti_labour_safety.zip"), passport=json.dumps(passport, ensure_ascii=False).encode())
    doc = result.document
    assert (doc["version"], doc["title"]) == ("2026.2", "КОС из QTI с паспортом")
    assert doc["theory"]["specification"]["time_limit_minutes"] == 45
    assert [q["id"] for q in doc["theory"]["samples"]] == ["demo-1", "demo-2"]
    assert doc["practice"]["tasks"][0]["id"] == "t1" and doc["portfolio"]["pass_points"] == 3
    assert doc["legal_acts"] == passport["legal_acts"] and result.notes == []


def test_current_kos_supplies_what_the_bank_lacks_and_says_so():
    current = small_kos()
    current["theory"]["specification"]["draw"] = [{"section": "law", "count": 2}, {"section": "risks", "count": 2}]
    current["theory"]["specification"]["pass_points"] = 3
    result = read_kos(asset("qti_labour_safety.zip"), current=current, current_version="2026.1",
                      taken_versions={"2026.1"}, today=TODAY)
    doc = result.document
    assert doc["theory"]["specification"]["draw"] == [{"section": "law", "count": 2}, {"section": "risks", "count": 2}]
    assert doc["title"] == current["title"] and doc["practice"] == current["practice"]
    assert result.notes[0].startswith("Из текущей версии КОС «2026.1» взяты: нормативные правовые акты, перечень "
                                      "документов, практические задания, требования к портфолио, спецификация теста")


def test_specification_of_the_current_kos_that_does_not_fit_the_new_bank():
    with pytest.raises(ValidationError) as err:
        read_kos(asset("qti_labour_safety.zip"), current=small_kos(), current_version="2026.1")
    assert "раздела «s1» нет в банке вопросов" in err.value.message
    assert "Спецификация взята из текущей версии КОС «2026.1»" in err.value.message


@pytest.mark.parametrize(("passport", "message"), [
    (b'{"version": "2"', "Паспорт КОС: ошибка JSON в строке 1, позиции 16"),
    (b'{"theory": {"sections": []}}', "Паспорт КОС: не должен содержать theory.sections"),
    (b'{"versoin": "2"}', "Паспорт КОС: неизвестное поле «versoin»"),
    (b'["2026.2"]', "Паспорт КОС: должен быть JSON-объектом"),
])
def test_bad_passport_is_reported_on_its_field(passport, message):
    with pytest.raises(ValidationError) as err:
        read_kos(asset("moodle_labour_safety.xml"), passport=passport)
    assert message in err.value.message and err.value.field == "passport"


def test_passport_is_refused_with_our_json():
    with pytest.raises(ValidationError) as err:
        read_kos(json.dumps(small_kos()).encode(), passport=b"{}")
    assert err.value.field == "passport" and "только для IMS QTI и Moodle XML" in err.value.message


BAD_FILES = [
    ("broken.zip", "Пакет QTI: zip-архив повреждён и не открывается"),
    ("no_manifest.zip", "Пакет QTI: в корне zip-архива нет файла imsmanifest.xml"),
    ("no_correct_response.zip", "Вопрос training-act: нет правильного ответа (correctResponse)"),
    ("unknown_interaction.zip", "Вопрос hotspot: взаимодействие hotspotInteraction не поддерживается"),
    ("duplicate_ids.zip", "Вопрос training-act: идентификатор повторяется"),
    ("duplicate_choice.zip", "Вопрос training-act: идентификатор варианта «ChoiceA» повторяется"),
    ("dtd_entity.zip", "Файл items/training-act.xml: в XML есть объявление DTD"),
    ("traversal.zip", "Пакет QTI: недопустимое имя файла в архиве «../../home/nok/.bashrc»"),
    ("oversized_member.zip", "Пакет QTI: файл «items/img/scan.bmp» в архиве слишком большой: 11 МБ"),
    ("missing_item_file.zip", "Файл imsmanifest.xml: указан файл «items/lost.xml», которого нет в архиве"),
    ("match_distractor.zip", "Вопрос work-classes: правый элемент «Особые условия труда» должен входить ровно в одну"),
    ("item_outside_test.zip", "Вопрос risk-steps: задание (items/risk-steps.xml) есть в пакете, но не входит ни в один"),
    ("bare_item.xml", "Это отдельный XML-файл IMS QTI, а не пакет"),
    ("wrong_encoding.xml", "Файл Moodle XML: текст не в кодировке UTF-8 (ошибка в строке 5)"),
    ("billion_laughs.xml", "Файл Moodle XML: в XML есть объявление DTD"),
    ("empty_quiz.xml", "Файл Moodle XML: в файле нет ни одного вопроса"),
    ("essay.xml", "Вопрос training-q1 («Эссе о СУОТ»): тип «essay» не поддерживается"),
    ("shortanswer_wildcard.xml", "Вопрос training-q1 («Инструктаж»): шаблоны со «*» в ответах не поддерживаются"),
    ("broken_xml.xml", "Файл Moodle XML: файл не является корректным XML: ошибка в строке 15"),
    ("syntax_error.json", "Файл КОС: ошибка JSON в строке 5, позиции 3: пропущена запятая"),
    ("cp1251.json", "Файл КОС: текст не в кодировке UTF-8"),
    ("two_correct.json", "Вопрос s1-q1: в вопросе с одним ответом должен быть ровно один правильный вариант"),
    ("spec_too_many.json", "Раздел s2: в спецификации требуется 10 вопросов, а в разделе 8"),
    ("pass_too_high.json", "Спецификация теста: проходной балл 7 больше, чем можно набрать в тесте"),
    ("zero_criterion.json", "Задание t1, критерий c2: max_points должен быть положительным числом"),
    ("sample_id_clash.json", "Вопрос s1-q2: идентификатор повторяется"),
    ("notes.txt", "Формат файла не распознан"),
]


@pytest.mark.parametrize(("name", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_gives_its_own_message(name, message):
    with pytest.raises(ValidationError) as err:
        read_kos(bad(name))
    assert message in err.value.message, err.value.message
    assert err.value.field == "file"


def test_zip_member_lying_about_its_size_is_cut_off():
    """A member whose header claims a small size cannot make us read more than the limit."""
    from core.kos.safe_xml import MAX_MEMBER_BYTES, open_zip, read_member

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.xml", b"<a>" + b" " * (MAX_MEMBER_BYTES + 10) + b"</a>")
    raw = bytearray(buffer.getvalue())
    size = (MAX_MEMBER_BYTES + 17).to_bytes(4, "little")
    small = (100).to_bytes(4, "little")
    raw = bytes(raw).replace(size, small)  # both the local and the central header now say 100 bytes
    archive = open_zip(raw, "Пакет QTI")
    assert archive.getinfo("big.xml").file_size == 100
    with pytest.raises(ValidationError) as err:
        read_member(archive, "big.xml", "Пакет QTI")  # zipfile stops at the declared size, then the CRC fails
    assert err.value.message == "Пакет QTI: файл «big.xml» в архиве повреждён"


def test_empty_and_utf16_files():
    with pytest.raises(ValidationError, match="Файл пустой"):
        read_kos(b"")
    with pytest.raises(ValidationError, match="UTF-16"):
        read_kos(json.dumps(small_kos()).encode("utf-16"))
