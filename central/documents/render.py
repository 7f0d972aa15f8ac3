"""HTML → PDF for the registry's documents, on top of the core's print templates and stylesheet.

`core.documents.pdf` renders from the core's template folder only and keeps its stylesheet
cache private, so this small wrapper builds an environment that looks in our `templates/`
first and then in the core's (its `base.html`, `_macros.html`, `print.css`), with the same
filters and the same safety: autoescape, StrictUndefined, `data:` URIs only, fail on a broken image.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import jinja2

from central.documents.texts import date_in_words
from core.documents.money import amount_in_words, format_amount
from core.documents.pdf import TEMPLATE_DIR as CORE_TEMPLATE_DIR
from core.documents.texts import date_digits, date_words, short_person_name

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
PRINT_CSS = CORE_TEMPLATE_DIR / "print.css"  # the core's layout of every document
PROTOCOL_CSS = TEMPLATE_DIR / "spk_protocol.css"  # additions for the Протокол СПК table
CERTIFICATE_CSS = TEMPLATE_DIR / "certificate.css"  # 725н forms: their own page, nothing of print.css
_local = threading.local()

ENV = jinja2.Environment(
    loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
                                jinja2.FileSystemLoader(str(CORE_TEMPLATE_DIR))]),
    autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
ENV.filters.update(date=date_words, digits=date_digits, money=format_amount, words=amount_in_words,
                   initials=short_person_name, date_in_words=date_in_words)


def _weasy(stylesheets: tuple[Path, ...]) -> tuple[list[Any], Any, Any]:
    """(parsed stylesheets, font configuration, URL fetcher) of this thread, parsed once per set."""
    state = getattr(_local, "state", None)
    if state is None:
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import URLFetcher

        state = _local.state = (FontConfiguration(), URLFetcher(allowed_protocols={"data"}, fail_on_errors=True), {})
    fonts, fetcher, parsed = state
    if stylesheets not in parsed:
        from weasyprint import CSS

        parsed[stylesheets] = [CSS(filename=str(path), font_config=fonts, url_fetcher=fetcher) for path in stylesheets]
    return parsed[stylesheets], fonts, fetcher


def render_html(template: str, **context: Any) -> str:
    return ENV.get_template(template).render(**context)


def render_pdf(template: str, stylesheets: tuple[Path, ...] = (PRINT_CSS,), **context: Any) -> bytes:
    """Render `template` with `context` into PDF bytes laid out by `stylesheets` (in order)."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    css, fonts, fetcher = _weasy(tuple(stylesheets))
    html = HTML(string=render_html(template, **context), url_fetcher=fetcher)
    try:
        return html.write_pdf(stylesheets=css, font_config=fonts)
    except FatalURLFetchingError as ex:  # a BaseException in WeasyPrint: it must not take a worker down
        raise RuntimeError(f"{template}: an embedded resource did not load ({ex})") from None
