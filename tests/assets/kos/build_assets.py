"""Rebuild the КОС import test files: `.venv/bin/python tests/assets/kos/build_assets.py`.

The files are committed; this script only documents how they were made (a QTI 2.1 package as
an LMS exports it, a Moodle XML export, and the corpus of broken files in `bad/`).
"""
from __future__ import annotations

import copy
import json
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BAD = HERE / "bad"
QTI_NS = ('xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" '
          'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
          'xsi:schemaLocation="http://www.imsglobal.org/xsd/imsqti_v2p1 '
          'http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"')
MATCH_CORRECT = '<responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/>'
SCORE = ('<outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"{extra}>'
         '<defaultValue><value>0</value></defaultValue></outcomeDeclaration>')


def item(identifier: str, title: str, declaration: str, body: str, processing: str = MATCH_CORRECT,
         points: str | None = None) -> str:
    extra = f' normalMaximum="{points}"' if points else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<assessmentItem {QTI_NS} identifier="{identifier}" '
            f'title="{title}" adaptive="false" timeDependent="false">\n  {declaration}\n  {SCORE.format(extra=extra)}\n'
            f'  <itemBody>\n    {body}\n  </itemBody>\n  {processing}\n</assessmentItem>\n')


def decl(cardinality: str, base: str, *values: str, mapping: str = "") -> str:
    correct = "".join(f"<value>{v}</value>" for v in values)
    correct = f"<correctResponse>{correct}</correctResponse>" if values else ""
    return (f'<responseDeclaration identifier="RESPONSE" cardinality="{cardinality}" baseType="{base}">'
            f'{correct}{mapping}</responseDeclaration>')


ITEMS = {
    "items/training-act.xml": item(
        "training-act", "Порядок обучения", decl("single", "identifier", "ChoiceA"),
        '<choiceInteraction responseIdentifier="RESPONSE" shuffle="true" maxChoices="1">\n'
        '      <prompt>Какой нормативный правовой акт устанавливает порядок обучения по охране труда и проверки '
        'знания требований охраны труда?</prompt>\n'
        '      <simpleChoice identifier="ChoiceA">Постановление Правительства РФ от 24.12.2021 № 2464</simpleChoice>\n'
        '      <simpleChoice identifier="ChoiceB">Федеральный закон от 28.12.2013 № 426-ФЗ</simpleChoice>\n'
        '      <simpleChoice identifier="ChoiceC">Приказ Минтруда России от 29.10.2021 № 776н</simpleChoice>\n'
        '      <simpleChoice identifier="ChoiceD">Федеральный закон от 24.07.1998 № 125-ФЗ</simpleChoice>\n'
        '    </choiceInteraction>', points="2"),
    "items/briefing-kinds.xml": item(
        "briefing-kinds", "Виды инструктажей", decl("multiple", "identifier", "A", "B", "C"),
        '<p>Выберите <strong>все</strong> верные ответы.</p>\n'
        '    <choiceInteraction responseIdentifier="RESPONSE" shuffle="true" maxChoices="0">\n'
        '      <prompt>Какие инструктажи по охране труда предусмотрены Порядком обучения по охране труда?</prompt>\n'
        '      <simpleChoice identifier="A">Вводный инструктаж</simpleChoice>\n'
        '      <simpleChoice identifier="B">Инструктаж на рабочем месте</simpleChoice>\n'
        '      <simpleChoice identifier="C">Целевой инструктаж</simpleChoice>\n'
        '      <simpleChoice identifier="D">Ежеквартальный инструктаж</simpleChoice>\n'
        '    </choiceInteraction>'),
    "items/accident-form.xml": item(
        "accident-form", "Форма акта", decl(
            "single", "string", "Н-1",
            mapping='<mapping defaultValue="0"><mapEntry mapKey="Н-1" mappedValue="1"/>'
                    '<mapEntry mapKey="Н1" mappedValue="1"/><mapEntry mapKey="Н-2" mappedValue="0"/></mapping>'),
        '<p>Несчастный случай на производстве, квалифицированный как связанный с производством, оформляется '
        'актом по форме <textEntryInteraction responseIdentifier="RESPONSE" expectedLength="5"/>.</p>'),
    "items/suot-document.xml": item(
        "suot-document", "Положение о СУОТ", decl(
            "single", "string", "Положение о системе управления охраной труда",
            mapping='<mapping defaultValue="0"><mapEntry mapKey="Положение о СУОТ" mappedValue="1"/></mapping>'),
        '<extendedTextInteraction responseIdentifier="RESPONSE" expectedLines="2">\n'
        '      <prompt>Как называется локальный нормативный акт работодателя, который устанавливает структуру и '
        'порядок функционирования системы управления охраной труда?</prompt>\n'
        '    </extendedTextInteraction>'),
    "items/funding-share.xml": item(
        "funding-share", "Финансирование", decl("single", "float", "0.2"),
        '<p>Каков минимальный размер финансирования мероприятий по улучшению условий и охраны труда работодателем, '
        'в процентах от суммы затрат на производство продукции (работ, услуг)?</p>\n'
        '    <p><textEntryInteraction responseIdentifier="RESPONSE" expectedLength="4"/> %</p>',
        processing='<responseProcessing><responseCondition><responseIf><equal toleranceMode="absolute" '
                   'tolerance="0.05 0.05"><variable identifier="RESPONSE"/><correct identifier="RESPONSE"/></equal>'
                   '<setOutcomeValue identifier="SCORE"><baseValue baseType="float">1</baseValue></setOutcomeValue>'
                   '</responseIf></responseCondition></responseProcessing>'),
    "items/work-classes.xml": item(
        "work-classes", "Классы условий труда",
        decl("multiple", "directedPair", "K1 R3", "K2 R1", "K3 R4", "K4 R2"),
        '<matchInteraction responseIdentifier="RESPONSE" shuffle="true" maxAssociations="4">\n'
        '      <prompt>Сопоставьте класс условий труда и его наименование по Федеральному закону № 426-ФЗ.</prompt>\n'
        '      <simpleMatchSet>\n'
        '        <simpleAssociableChoice identifier="K1" matchMax="1">1 класс</simpleAssociableChoice>\n'
        '        <simpleAssociableChoice identifier="K2" matchMax="1">2 класс</simpleAssociableChoice>\n'
        '        <simpleAssociableChoice identifier="K3" matchMax="1">3 класс</simpleAssociableChoice>\n'
        '        <simpleAssociableChoice identifier="K4" matchMax="1">4 класс</simpleAssociableChoice>\n'
        '      </simpleMatchSet>\n'
        '      <simpleMatchSet>\n'
        '        <simpleAssociableChoice identifier="R1" matchMax="1">Допустимые условия труда</simpleAssociableChoice>\n'
        '        <simpleAssociableChoice identifier="R2" matchMax="1">Опасные условия труда</simpleAssociableChoice>\n'
        '        <simpleAssociableChoice identifier="R3" matchMax="1">Оптимальные условия труда</simpleAssociableChoice>\n'
        '        <simpleAssociableChoice identifier="R4" matchMax="1">Вредные условия труда</simpleAssociableChoice>\n'
        '      </simpleMatchSet>\n'
        '    </matchInteraction>'),
    "items/risk-steps.xml": item(
        "risk-steps", "Этапы управления рисками", decl("ordered", "identifier", "S2", "S4", "S1", "S3"),
        '<orderInteraction responseIdentifier="RESPONSE" shuffle="true">\n'
        '      <prompt>Расположите этапы управления профессиональными рисками в правильном порядке.</prompt>\n'
        '      <simpleChoice identifier="S1">Применение мер по снижению уровней профессиональных рисков</simpleChoice>\n'
        '      <simpleChoice identifier="S2">Выявление опасностей</simpleChoice>\n'
        '      <simpleChoice identifier="S3">Мониторинг и пересмотр выявленных профессиональных рисков</simpleChoice>\n'
        '      <simpleChoice identifier="S4">Оценка уровней профессиональных рисков</simpleChoice>\n'
        '    </orderInteraction>'),
    "items/sout-period.xml": item(
        "sout-period", "Периодичность СОУТ", decl("single", "integer", "5"),
        '<p><img src="img/calendar.png" alt="Календарь"/></p>\n'
        '    <p>Не реже одного раза во сколько лет проводится специальная оценка условий труда (если нет оснований '
        'для внеплановой)? <textEntryInteraction responseIdentifier="RESPONSE" expectedLength="2"/></p>'),
}

TEST = f"""<?xml version="1.0" encoding="UTF-8"?>
<assessmentTest {QTI_NS} identifier="labour-safety-bank" title="Охрана труда: банк тестовых заданий">
  <testPart identifier="part1" navigationMode="nonlinear" submissionMode="simultaneous">
    <timeLimits maxTime="3600"/>
    <assessmentSection identifier="law" title="Нормативные требования охраны труда" visible="true">
      <assessmentItemRef identifier="r1" href="items/training-act.xml"/>
      <assessmentItemRef identifier="r2" href="items/briefing-kinds.xml"/>
      <assessmentItemRef identifier="r3" href="items/accident-form.xml"/>
      <assessmentItemRef identifier="r4" href="items/suot-document.xml"/>
      <assessmentItemRef identifier="r5" href="items/funding-share.xml"/>
    </assessmentSection>
    <assessmentSection identifier="risks" title="Условия труда и профессиональные риски" visible="true">
      <assessmentItemRef identifier="r6" href="items/work-classes.xml"/>
      <assessmentItemRef identifier="r7" href="items/risk-steps.xml"/>
      <assessmentItemRef identifier="r8" href="items/sout-period.xml"/>
    </assessmentSection>
  </testPart>
</assessmentTest>
"""

PNG_1PX = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def manifest(items: list[str], test: str | None = "test.xml", extra_files: tuple[str, ...] = ()) -> str:
    resources = []
    if test:
        deps = "".join(f'<dependency identifierref="res-{n}"/>' for n in range(len(items)))
        resources.append(f'<resource identifier="res-test" type="imsqti_test_xmlv2p1" href="{test}">'
                         f'<file href="{test}"/>{deps}</resource>')
    for n, path in enumerate(items):
        files = "".join(f'<file href="{f}"/>' for f in (path, *extra_files))
        resources.append(f'<resource identifier="res-{n}" type="imsqti_item_xmlv2p1" href="{path}">{files}</resource>')
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" '
            'identifier="MANIFEST-labour-safety">\n  <metadata><schema>QTIv2.1 Package</schema>'
            '<schemaversion>1.0.0</schemaversion></metadata>\n  <organizations/>\n  <resources>\n    '
            + "\n    ".join(resources) + "\n  </resources>\n</manifest>\n")


def write_zip(path: Path, members: dict[str, bytes | str]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(zipfile.ZipInfo(name, (2026, 3, 2, 10, 0, 0)),
                             content.encode("utf-8") if isinstance(content, str) else content,
                             compress_type=zipfile.ZIP_DEFLATED)


def qti_package() -> None:
    members: dict[str, bytes | str] = {"imsmanifest.xml": manifest(list(ITEMS), extra_files=()),
                                       "test.xml": TEST, **ITEMS, "items/img/calendar.png": PNG_1PX}
    write_zip(HERE / "qti_labour_safety.zip", members)


MOODLE = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
<!-- question: 0  -->
  <question type="category">
    <category><text>$course$/top</text></category>
    <info format="moodle_auto_format"><text>Категория по умолчанию</text></info>
    <idnumber></idnumber>
  </question>
<!-- question: 0  -->
  <question type="category">
    <category><text>$course$/top/Охрана труда/Обучение и инструктажи</text></category>
    <info format="html"><text></text></info>
    <idnumber>training</idnumber>
  </question>
<!-- question: 101  -->
  <question type="multichoice">
    <name><text>Вводный инструктаж</text></name>
    <questiontext format="html"><text><![CDATA[<p>Кто проводит <strong>вводный</strong> инструктаж&nbsp;по охране труда?</p>]]></text></questiontext>
    <generalfeedback format="html"><text></text></generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber>training-intro</idnumber>
    <single>true</single>
    <shuffleanswers>true</shuffleanswers>
    <answernumbering>abc</answernumbering>
    <answer fraction="100" format="html"><text><![CDATA[<p>Специалист по охране труда или работник, на которого приказом работодателя возложены эти обязанности</p>]]></text><feedback format="html"><text></text></feedback></answer>
    <answer fraction="0" format="html"><text>Непосредственный руководитель работ</text><feedback format="html"><text></text></feedback></answer>
    <answer fraction="0" format="html"><text>Представитель профсоюза</text><feedback format="html"><text></text></feedback></answer>
  </question>
<!-- question: 102  -->
  <question type="multichoice">
    <name><text>Внеплановый инструктаж</text></name>
    <questiontext format="html"><text><![CDATA[<p>В каких случаях проводится внеплановый инструктаж по охране труда?</p>]]></text></questiontext>
    <defaultgrade>2.0000000</defaultgrade>
    <idnumber></idnumber>
    <single>false</single>
    <shuffleanswers>true</shuffleanswers>
    <answer fraction="33.33333" format="html"><text>Изменение технологического процесса или замена оборудования</text></answer>
    <answer fraction="33.33333" format="html"><text>Произошедшие авария или несчастный случай</text></answer>
    <answer fraction="33.33334" format="html"><text>Перерыв в работе более 60 календарных дней</text></answer>
    <answer fraction="-100" format="html"><text>Перевод работника на дистанционную работу по его просьбе</text></answer>
  </question>
<!-- question: 103  -->
  <question type="description">
    <name><text>Пояснение</text></name>
    <questiontext format="html"><text><![CDATA[<p>Далее — вопросы о сроках.</p>]]></text></questiontext>
  </question>
<!-- question: 104  -->
  <question type="truefalse">
    <name><text>Повторный инструктаж</text></name>
    <questiontext format="html"><text><![CDATA[<p>Повторный инструктаж по охране труда проводится не реже одного раза в 6 месяцев.</p>]]></text></questiontext>
    <defaultgrade>1.0000000</defaultgrade>
    <answer fraction="100" format="moodle_auto_format"><text>true</text><feedback format="html"><text></text></feedback></answer>
    <answer fraction="0" format="moodle_auto_format"><text>false</text><feedback format="html"><text></text></feedback></answer>
  </question>
<!-- question: 105  -->
  <question type="numerical">
    <name><text>Срок обучения</text></name>
    <questiontext format="html"><text><![CDATA[<p>Не позднее скольких календарных дней после заключения трудового договора работник должен пройти обучение требованиям охраны труда?</p>]]></text></questiontext>
    <defaultgrade>1.0000000</defaultgrade>
    <answer fraction="100" format="moodle_auto_format"><text>60</text><feedback format="html"><text></text></feedback><tolerance>0</tolerance></answer>
    <answer fraction="0" format="moodle_auto_format"><text>*</text><feedback format="html"><text></text></feedback><tolerance>0</tolerance></answer>
    <units><unit><multiplier>1</multiplier><unit_name>дн.</unit_name></unit></units>
  </question>
<!-- question: 0  -->
  <question type="category">
    <category><text>$course$/top/Охрана труда/Расследование несчастных случаев</text></category>
    <info format="html"><text></text></info>
  </question>
<!-- question: 201  -->
  <question type="matching">
    <name><text>Сроки расследования</text></name>
    <questiontext format="html"><text><![CDATA[<p>Сопоставьте несчастный случай и срок его расследования.</p>]]></text></questiontext>
    <defaultgrade>1.0000000</defaultgrade>
    <shuffleanswers>true</shuffleanswers>
    <subquestion format="html"><text><![CDATA[<p>Лёгкий несчастный случай</p>]]></text><answer><text>3 календарных дня</text></answer></subquestion>
    <subquestion format="html"><text><![CDATA[<p>Тяжёлый несчастный случай</p>]]></text><answer><text>15 календарных дней</text></answer></subquestion>
  </question>
<!-- question: 202  -->
  <question type="shortanswer">
    <name><text>Форма акта</text></name>
    <questiontext format="html"><text><![CDATA[<p>По какой форме оформляется акт о несчастном случае на производстве?</p>]]></text></questiontext>
    <defaultgrade>1.0000000</defaultgrade>
    <usecase>0</usecase>
    <answer fraction="100" format="moodle_auto_format"><text>Н-1</text></answer>
    <answer fraction="100" format="moodle_auto_format"><text>форма Н-1</text></answer>
    <answer fraction="50" format="moodle_auto_format"><text>Н</text></answer>
  </question>
<!-- question: 203  -->
  <question type="numerical">
    <name><text>Хранение акта</text></name>
    <questiontext format="html"><text><![CDATA[<p>Сколько лет работодатель хранит акт о несчастном случае на производстве вместе с материалами расследования?</p>]]></text></questiontext>
    <defaultgrade>1.5000000</defaultgrade>
    <answer fraction="100" format="moodle_auto_format"><text>45</text><tolerance>0.5</tolerance></answer>
  </question>
<!-- question: 204  -->
  <question type="ordering">
    <name><text>Действия при несчастном случае</text></name>
    <questiontext format="html"><text><![CDATA[<p>Расположите действия работодателя при несчастном случае по порядку.</p>]]></text></questiontext>
    <defaultgrade>1.0000000</defaultgrade>
    <layouttype>VERTICAL</layouttype>
    <selecttype>ALL</selecttype>
    <answer fraction="1" format="html"><text><![CDATA[<p>Организовать первую помощь пострадавшему</p>]]></text></answer>
    <answer fraction="2" format="html"><text><![CDATA[<p>Сохранить обстановку на месте происшествия</p>]]></text></answer>
    <answer fraction="3" format="html"><text><![CDATA[<p>Образовать комиссию по расследованию</p>]]></text></answer>
  </question>
</quiz>
"""


def moodle_file() -> None:
    (HERE / "moodle_labour_safety.xml").write_text(MOODLE, encoding="utf-8")


def small_kos() -> dict:
    from core.testing_exam import SMALL_KOS

    return copy.deepcopy(SMALL_KOS)


def bad_files() -> None:
    BAD.mkdir(exist_ok=True)
    one = {"items/training-act.xml": ITEMS["items/training-act.xml"]}
    (BAD / "broken.zip").write_bytes(b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x13\x37" * 40)
    write_zip(BAD / "no_manifest.zip", dict(one))
    no_correct = ITEMS["items/training-act.xml"].replace("<correctResponse><value>ChoiceA</value></correctResponse>", "")
    write_zip(BAD / "no_correct_response.zip", {"imsmanifest.xml": manifest(list(one), test=None),
                                                 "items/training-act.xml": no_correct})
    hotspot = item("hotspot", "Зоны", decl("single", "identifier", "A"),
                   '<hotspotInteraction responseIdentifier="RESPONSE" maxChoices="1"><prompt>Укажите опасную зону'
                   '</prompt><object type="image/png" data="img/plan.png"/></hotspotInteraction>')
    write_zip(BAD / "unknown_interaction.zip", {"imsmanifest.xml": manifest(["items/hotspot.xml"], test=None),
                                                "items/hotspot.xml": hotspot})
    twin = ITEMS["items/briefing-kinds.xml"].replace('identifier="briefing-kinds"', 'identifier="training-act"')
    write_zip(BAD / "duplicate_ids.zip", {"imsmanifest.xml": manifest(["items/a.xml", "items/b.xml"], test=None),
                                          "items/a.xml": ITEMS["items/training-act.xml"], "items/b.xml": twin})
    with_dtd = ITEMS["items/training-act.xml"].replace(
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE assessmentItem [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    ).replace("Федеральный закон от 28.12.2013 № 426-ФЗ", "&xxe;")
    write_zip(BAD / "dtd_entity.zip", {"imsmanifest.xml": manifest(list(one), test=None), **{
        "items/training-act.xml": with_dtd}})
    write_zip(BAD / "traversal.zip", {"imsmanifest.xml": manifest(list(one), test=None), **one,
                                      "../../home/nok/.bashrc": "echo pwned\n"})
    write_zip(BAD / "oversized_member.zip", {"imsmanifest.xml": manifest(list(one), test=None), **one,
                                             "items/img/scan.bmp": b"\0" * (11 * 1024 * 1024)})
    write_zip(BAD / "missing_item_file.zip", {"imsmanifest.xml": manifest([*one, "items/lost.xml"], test=None),
                                              **one})
    distractor = ITEMS["items/work-classes.xml"].replace(
        "</simpleMatchSet>\n    </matchInteraction>",
        '  <simpleAssociableChoice identifier="R5" matchMax="1">Особые условия труда</simpleAssociableChoice>\n'
        "      </simpleMatchSet>\n    </matchInteraction>")
    write_zip(BAD / "match_distractor.zip", {"imsmanifest.xml": manifest(["items/work-classes.xml"], test=None),
                                             "items/work-classes.xml": distractor})
    write_zip(BAD / "item_outside_test.zip", {"imsmanifest.xml": manifest([*one, "items/risk-steps.xml"]), **one,
                                              "items/risk-steps.xml": ITEMS["items/risk-steps.xml"],
                                              "test.xml": TEST.split("<assessmentSection")[0]
                                              + '<assessmentSection identifier="law" title="Право" visible="true">'
                                              '<assessmentItemRef identifier="r1" href="items/training-act.xml"/>'
                                              "</assessmentSection></testPart></assessmentTest>"})
    twin_choice = ITEMS["items/training-act.xml"].replace('identifier="ChoiceD"', 'identifier="ChoiceA"')
    write_zip(BAD / "duplicate_choice.zip", {"imsmanifest.xml": manifest(list(one), test=None),
                                             "items/training-act.xml": twin_choice})
    (BAD / "bare_item.xml").write_text(ITEMS["items/training-act.xml"], encoding="utf-8")
    quiz_head = MOODLE.split("<!-- question: 101")[0]
    (BAD / "wrong_encoding.xml").write_bytes(MOODLE.replace('<?xml version="1.0" encoding="UTF-8"?>\n', "")
                                             .encode("cp1251", errors="replace"))
    (BAD / "billion_laughs.xml").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE quiz [\n <!ENTITY lol "lol">\n <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;">\n'
        ' <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;">\n]>\n<quiz><question type="shortanswer"><name><text>&lol2;'
        '</text></name></question></quiz>\n', encoding="utf-8")
    (BAD / "empty_quiz.xml").write_text(quiz_head + "</quiz>\n", encoding="utf-8")
    essay = ('<question type="essay"><name><text>Эссе о СУОТ</text></name><questiontext format="html"><text>'
             "<![CDATA[<p>Опишите систему управления охраной труда вашей организации.</p>]]></text></questiontext>"
             "<defaultgrade>5</defaultgrade></question>")
    (BAD / "essay.xml").write_text(quiz_head + essay + "\n</quiz>\n", encoding="utf-8")
    wildcard = ('<question type="shortanswer"><name><text>Инструктаж</text></name><questiontext format="html"><text>'
                "Как называется инструктаж при приёме на работу?</text></questiontext><answer fraction=\"100\">"
                "<text>ввод*</text></answer></question>")
    (BAD / "shortanswer_wildcard.xml").write_text(quiz_head + wildcard + "\n</quiz>\n", encoding="utf-8")
    (BAD / "broken_xml.xml").write_text(quiz_head + "<question type=\"truefalse\"><name><text>Вопрос</name>\n</quiz>\n",
                                        encoding="utf-8")
    good = json.dumps(small_kos(), ensure_ascii=False, indent=2)
    (BAD / "syntax_error.json").write_text(good.replace('"version": "2026.1",', '"version": "2026.1"'),
                                           encoding="utf-8")
    doc = small_kos()
    doc["theory"]["sections"][0]["questions"][0]["options"][1]["correct"] = True
    (BAD / "two_correct.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    doc = small_kos()
    section = doc["theory"]["sections"][1]
    for n in range(5, 9):
        section["questions"].append({"id": f"s2-q{n}", "type": "text", "text": f"Вопрос {n}", "answers": ["да"]})
    doc["theory"]["specification"]["draw"][1]["count"] = 10
    (BAD / "spec_too_many.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    doc = small_kos()
    doc["theory"]["specification"]["pass_points"] = 7
    (BAD / "pass_too_high.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    doc = small_kos()
    doc["practice"]["tasks"][0]["criteria"][1]["max_points"] = 0
    (BAD / "zero_criterion.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    doc = small_kos()
    doc["theory"]["samples"][0]["id"] = "s1-q2"
    (BAD / "sample_id_clash.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    (BAD / "cp1251.json").write_bytes(good.encode("cp1251", errors="replace"))
    (BAD / "notes.txt").write_text("Вопросы к экзамену по охране труда\n1. Кто проводит инструктаж?\n",
                                   encoding="utf-8")


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(HERE.parents[2]))
    qti_package()
    moodle_file()
    bad_files()
