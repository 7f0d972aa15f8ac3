"""Dates, initials and cities as documents print them; documents load nothing from outside."""
import datetime as dt

import pytest

from core.documents.pdf import _weasy, png_data_uri
from core.documents.texts import city_of, date_digits, date_words, lower_first, short_person_name, upper_first


@pytest.mark.parametrize("day, text", [
    (dt.date(2026, 11, 23), "23 ноября 2026 г."), (dt.date(2027, 1, 1), "1 января 2027 г."),
    (dt.date(2026, 5, 9), "9 мая 2026 г."), (dt.datetime(2026, 3, 8, 10, 30), "8 марта 2026 г."), (None, "—"),
])
def test_date_words(day, text):
    assert date_words(day) == text


def test_date_digits():
    assert date_digits(dt.date(2026, 1, 5)) == "05.01.2026"


@pytest.mark.parametrize("name, short", [
    ("Петров Сергей Николаевич", "Петров С. Н."), ("Иванов Иван", "Иванов И."),
    ("Салтыков-Щедрин Михаил Евграфович", "Салтыков-Щедрин М. Е."), ("Мамедов Эльдар Рашид оглы", "Мамедов Э. Р."), ("Петров", "Петров"), ("", ""), (None, ""),
])
def test_short_person_name(name, short):
    assert short_person_name(name) == short


@pytest.mark.parametrize("address, city", [
    ("109147, г. Москва, ул. Марксистская, д. 22, стр. 1, офис 410", "г. Москва"),
    ("142100, Московская область, г. Подольск, ул. Кирова, д. 48", "г. Подольск"),
    ("622001, Свердловская область, г. Нижний Тагил, пр-кт Ленина, д. 15", "г. Нижний Тагил"),
    ("г.Екатеринбург", "г. Екатеринбург"),
    ("Московская область, пос. Развилка, д. 3", ""), (None, ""),
])
def test_city_of(address, city):
    assert city_of(address) == city


def test_first_letter_case():
    assert upper_first("в том числе НДС") == "В том числе НДС"
    assert lower_first("Генеральный директор ООО") == "генеральный директор ООО"
    assert upper_first("") == lower_first("") == ""


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://127.0.0.1/x.png", "https://example.ru/a.css"])
def test_documents_load_no_files_and_no_urls(url):
    fetcher = _weasy()[2]
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher.fetch(url)


def test_only_png_images_are_embedded():
    assert png_data_uri(b"\x89PNG\r\n\x1a\nrest") == "data:image/png;base64,iVBORw0KGgpyZXN0"
    with pytest.raises(ValueError):
        png_data_uri(b"<svg onload=alert(1)>")
