"""Server-drawn SVG charts: one bar per item, exact figures in tooltips, no style attributes, escaped text."""
import re
import xml.etree.ElementTree as ET

from central.reports.charts import Bar, horizontal_bars, number_ru, vertical_bars

SVG = "{http://www.w3.org/2000/svg}"


def _bars(svg: str, css_class: str = "bar"):
    return [el for el in ET.fromstring(svg).iter(f"{SVG}rect") if el.get("class") == css_class]


def test_horizontal_bars_scale_to_the_maximum():
    svg = str(horizontal_bars([Bar("ЦОК «Профи»", 50.0, "сдали 1 из 2"), Bar("ЦОК <Юг> & Co", 100.0, "2 из 2"),
                               Bar("Пусто", 0.0, "0 из 1")], title="Доля сдавших, %"))
    bars = _bars(svg)
    assert len(bars) == 3
    widths = [float(bar.get("width")) for bar in bars]
    assert widths[1] == 2 * widths[0] and widths[2] == 0
    assert [bar.find(f"{SVG}title").text for bar in bars] == ["сдали 1 из 2", "2 из 2", "0 из 1"]
    assert "ЦОК &lt;Юг&gt; &amp; Co" in svg  # names are escaped, the SVG stays well-formed
    assert "style=" not in svg and "<script" not in svg
    assert 'role="img"' in svg and 'aria-label="Доля сдавших, %"' in svg


def test_horizontal_bars_without_data_say_so():
    svg = str(horizontal_bars([], title="Доля сдавших"))
    assert _bars(svg) == [] and "Нет данных за период" in svg


def test_vertical_bars_with_parts():
    bars = [Bar("янв", 4.0, "январь: 4, сдали 3", part=3.0, sublabel="2026"), Bar("фев", 0.0, "февраль: 0", part=0.0),
            Bar("мар", 2.0, "март: 2, сдали 1", part=1.0)]
    svg = str(vertical_bars(bars, title="Экзамены по месяцам", legend=("Экзаменов", "Сдали")))
    totals, parts = _bars(svg), _bars(svg, "bar-part")
    assert len(totals) == 3 and len(parts) == 2  # an empty month draws no inner bar
    heights = [float(bar.get("height")) for bar in totals]
    assert heights[0] == 2 * heights[2] and heights[1] == 0
    assert float(parts[0].get("height")) == heights[0] * 3 / 4
    assert re.search(r">2026</text>", svg) and "Экзаменов" in svg and "Сдали" in svg


def test_number_ru():
    assert number_ru(66.66) == "66,7" and number_ru(100.0) == "100" and number_ru(100.0, fixed=True) == "100,0"
    assert number_ru(None) == "—" and number_ru(7) == "7"
