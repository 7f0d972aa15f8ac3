"""Small field checks the СПК forms share; each raises `ValidationError` naming its field, in Russian."""
from __future__ import annotations

from core.exceptions import ValidationError
from core.services.applicant_profile import Checker, FormErrors, is_checked, parse_date
from core.validators import validate_person_name_part

__all__ = ["Checker", "FormErrors", "clean_text", "flag", "int_in_range", "parse_date", "person_name"]


def clean_text(value: str | None, field: str, label: str, limit: int, *, required: bool = False,
               multiline: bool = False) -> str | None:
    """Trimmed text (inner whitespace collapsed unless `multiline`), at most `limit` characters."""
    text = (value or "").strip() if multiline else " ".join((value or "").split())
    if not text:
        if required:
            raise ValidationError(f"{label}: значение не указано.", field=field)
        return None
    if len(text) > limit:
        raise ValidationError(f"{label}: не более {limit} символов (введено {len(text)}).", field=field)
    return text


def person_name(value: str | None, field: str, label: str, *, required: bool = False) -> str | None:
    """ФИО in Cyrillic: at least surname and first name."""
    if not (value or "").strip():
        if required:
            raise ValidationError(f"{label}: значение не указано.", field=field)
        return None
    try:
        name = validate_person_name_part(value, "full_name")
    except ValidationError as ex:
        raise ValidationError(ex.message.replace("ФИО", label, 1), field=field) from None
    if len(name.split()) < 2:
        raise ValidationError(f"{label}: укажите фамилию, имя и отчество (если есть).", field=field)
    if len(name) > 200:
        raise ValidationError(f"{label}: не более 200 символов.", field=field)
    return name


def flag(value: str | None) -> bool:
    return is_checked(value)


def int_in_range(value: str | None, field: str, label: str, low: int, high: int, unit: str = "") -> int:
    """A whole number between `low` and `high` inclusive."""
    text = (value or "").strip()
    if not text:
        raise ValidationError(f"{label}: значение не указано.", field=field)
    if not text.isascii() or not text.isdigit() or not low <= int(text) <= high:
        suffix = f" {unit}" if unit else ""
        raise ValidationError(f"{label}: укажите целое число от {low} до {high}{suffix}.", field=field)
    return int(text)
