"""From uploaded bytes to a validated КОС document, whatever the format; nothing is stored here.

The format is recognised by content (zip magic, `<quiz`, `{`), never by the file name, which
people change freely. QTI and Moodle files carry only the question bank: the rest of the КОС
comes from the «паспорт» given with the file, else from the qualification's current КОС,
else from defaults — and `notes` says which, so the ЦОК sees what it has loaded.
"""
from __future__ import annotations

import copy
import datetime as dt
import json
import math
from dataclasses import dataclass, field
from typing import Any, Iterable

from core.exceptions import ValidationError
from core.kos import moodle_xml, qti
from core.kos.checks import Bank, fail, known_keys, mapping, plural
from core.kos.schema import KOS_FORMAT, TOP_KEYS, validate_kos

MIB = 1024 * 1024
MAX_KOS_BYTES = 20 * MIB
MAX_PASSPORT_BYTES = 2 * MIB
DEFAULT_MINUTES = 60
DEFAULT_PASS_SHARE = 0.7
FORMAT_TITLES = {"json": "JSON (nok-kos/1)", "qti": "IMS QTI 2.1", "moodle": "Moodle XML"}
PASSPORT = "Паспорт КОС"


@dataclass
class ReadKos:
    """A validated document, the format it came in, and what was filled in from elsewhere."""

    document: dict[str, Any]
    source_format: str
    notes: list[str] = field(default_factory=list)


def detect_format(data: bytes) -> str:
    """«json», «qti» or «moodle» by the first bytes, or a Russian error naming what was expected."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise fail("", "Файл в кодировке UTF-16: сохраните его в кодировке UTF-8")
    head = data.removeprefix(b"\xef\xbb\xbf").lstrip()
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "qti"
    if head.startswith((b"{", b"[")):
        return "json"
    if head.startswith(b"<"):
        start = head[:4096]
        if b"<quiz" in start:
            return "moodle"
        if b"assessmentItem" in start or b"<manifest" in start or b"assessmentTest" in start:
            raise fail("", "Это отдельный XML-файл IMS QTI, а не пакет: загрузите весь zip-пакет с imsmanifest.xml")
    raise fail("", "Формат файла не распознан: ожидается КОС в JSON (nok-kos/1), zip-пакет IMS QTI 2.1 или "
                   "Moodle XML")


def parse_json(data: bytes, where: str) -> Any:
    """UTF-8 JSON; a syntax error names its line and column."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as ex:
        line = data[:ex.start].count(b"\n") + 1
        raise fail(where, f"текст не в кодировке UTF-8 (ошибка в строке {line}): сохраните файл в UTF-8") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as ex:
        raise fail(where, f"ошибка JSON в строке {ex.lineno}, позиции {ex.colno}: {_json_reason(ex.msg)}") from None
    except RecursionError:
        raise fail(where, "слишком глубокая вложенность JSON") from None


def _json_reason(message: str) -> str:
    reasons = {"Expecting ',' delimiter": "пропущена запятая", "Expecting ':' delimiter": "пропущено двоеточие",
               "Expecting value": "ожидается значение", "Expecting property name enclosed in double quotes":
               "имя поля должно быть в двойных кавычках (или лишняя запятая перед «}»)",
               "Unterminated string starting at": "незакрытая строка", "Extra data": "лишние данные после конца "
               "документа", "Invalid control character at": "недопустимый управляющий символ в строке"}
    return next((ru for en, ru in reasons.items() if message.startswith(en)), "синтаксическая ошибка")


def read_kos(data: bytes, *, passport: bytes | None = None, current: dict[str, Any] | None = None,
             current_version: str | None = None, default_title: str | None = None,
             taken_versions: Iterable[str] = (), today: dt.date | None = None) -> ReadKos:
    """Recognise, parse and validate an upload; QTI/Moodle get the rest of the КОС as the module says."""
    if not data:
        raise fail("", "Файл пустой: выберите файл КОС")
    if len(data) > MAX_KOS_BYTES:
        raise fail("", f"Файл больше {MAX_KOS_BYTES // MIB} МБ: это не похоже на КОС")
    kind = detect_format(data)
    if kind == "json":
        if passport:
            raise ValidationError(f"{PASSPORT} нужен только для IMS QTI и Moodle XML: в JSON-файле КОС всё уже есть",
                                  field="passport")
        return ReadKos(validate_kos(parse_json(data, "Файл КОС")), kind)
    bank = qti.read_package(data) if kind == "qti" else moodle_xml.read_quiz(data)
    return _assemble(bank, kind, read_passport(passport) if passport else None, current, current_version,
                     default_title, set(taken_versions), today or dt.date.today())


def read_passport(data: bytes) -> dict[str, Any]:
    """The «паспорт»: the КОС's top-level keys without the bank (theory.sections)."""
    if len(data) > MAX_PASSPORT_BYTES:
        raise ValidationError(f"{PASSPORT}: файл больше {MAX_PASSPORT_BYTES // MIB} МБ", field="passport")
    try:
        doc = mapping(parse_json(data, PASSPORT), PASSPORT, "должен быть JSON-объектом { … }")
        known_keys(doc, TOP_KEYS, PASSPORT)
        theory = mapping(doc.get("theory", {}), PASSPORT, "поле theory должно быть объектом")
        if "sections" in theory:
            raise fail(PASSPORT, "не должен содержать theory.sections: вопросы берутся из загружаемого файла")
        known_keys(theory, ("specification", "samples"), f"{PASSPORT}, theory")
    except ValidationError as ex:
        raise ValidationError(ex.message, field="passport") from None
    return doc


def _assemble(bank: Bank, kind: str, passport: dict[str, Any] | None, current: dict[str, Any] | None,
              current_version: str | None, default_title: str | None, taken: set[str], today: dt.date) -> ReadKos:
    passport, base = passport or {}, copy.deepcopy(current or {})
    p_theory, c_theory = passport.get("theory") or {}, base.get("theory") or {}
    copied: list[str] = []
    notes: list[str] = []

    def pick(key: str, what: str | None, default: Any, p: dict[str, Any] = passport, c: dict[str, Any] = base):
        if key in p:
            return p[key]
        if key in c and c[key] not in (None, [], ""):
            if what:
                copied.append(what)
            return c[key]
        return default

    doc: dict[str, Any] = {
        "format": KOS_FORMAT, "qualification": passport.get("qualification"),
        "title": pick("title", None, bank.title or default_title or "КОС"),
        "legal_acts": pick("legal_acts", "нормативные правовые акты", []),
        "required_documents": pick("required_documents", "перечень документов", []),
        "practice": pick("practice", "практические задания", None),
        "portfolio": pick("portfolio", "требования к портфолио", None),
    }
    spec = pick("specification", "спецификация теста", None, p_theory, c_theory)
    samples = pick("samples", "пробные вопросы", [], p_theory, c_theory)
    if spec is None:
        spec = _default_spec(bank.sections)
        notes.append(f"Спецификация теста не задана (ни в паспорте КОС, ни в текущей версии): в тест входят все вопросы "
                     f"каждого раздела ({plural(sum(r['count'] for r in spec['draw']), 'вопрос', 'вопроса', 'вопросов')}"
                     f"), время — {DEFAULT_MINUTES} минут, проходной балл — 70 % "
                     f"({plural(spec['pass_points'], 'балл', 'балла', 'баллов')}). Чтобы задать свою, загрузите "
                     "файл вместе с паспортом КОС.")
    doc["theory"] = {"specification": spec, "sections": bank.sections, "samples": samples}
    if "version" in passport:
        doc["version"] = passport["version"]
    else:
        doc["version"] = _free_version(today, taken)
        notes.append(f"Версия КОС не задана (её указывают в паспорте КОС): присвоена версия «{doc['version']}».")
    if copied:
        notes.insert(0, f"Из текущей версии КОС «{current_version}» взяты: {', '.join(copied)}.")
    try:
        document = validate_kos(doc)
    except ValidationError as ex:
        if "спецификация теста" in copied and "спецификаци" in ex.message.lower():
            raise ValidationError(f"{ex.message}. Спецификация взята из текущей версии КОС «{current_version}» и не "
                                  "подходит к новому банку вопросов: загрузите файл вместе с паспортом КОС",
                                  field=ex.field) from None
        raise
    return ReadKos(document, kind, notes)


def _default_spec(sections: list[dict[str, Any]]) -> dict[str, Any]:
    """Every question of every section, 60 minutes, 70 % of the points rounded up."""
    total = 0.0
    for section in sections:
        for question in section.get("questions") or []:
            points = question.get("points", 1) if isinstance(question, dict) else 1
            total += points if isinstance(points, (int, float)) and not isinstance(points, bool) else 1
    draw = [{"section": s.get("id"), "count": len(s.get("questions") or [])} for s in sections]
    pass_points = max(1, math.ceil(round(total * DEFAULT_PASS_SHARE, 6)))
    return {"time_limit_minutes": DEFAULT_MINUTES, "pass_points": pass_points, "draw": draw}


def _free_version(today: dt.date, taken: set[str]) -> str:
    base = today.strftime("%Y.%m.%d")
    version, n = base, 1
    while version in taken:
        n += 1
        version = f"{base}-{n}"
    return version
