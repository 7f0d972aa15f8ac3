"""The НАРК submission as XML in our documented format ``nok-nark/1`` (UTF-8).

НАРК publishes no schema, so we publish ours: ``templates/nark_export/nok-nark-1.xsd``.
Element names repeat the JSON keys of the record (docs/nark-export.md), so one mapping to
Приказ Минтруда 649н covers the endpoint, the workbook and this file. Built with
``xml.etree.ElementTree``, which escapes every value.
"""
from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from plugins.nark_export.record_format import NarkRecord

FORMAT = "nok-nark/1"
NAMESPACE = "urn:nok-platform:nok-nark:1"
XSD_PATH = Path(__file__).parent / "templates" / "nark_export" / "nok-nark-1.xsd"


def build_document(records: list[NarkRecord], created_at: dt.datetime | None = None) -> bytes:
    """Return the UTF-8 XML of checked ``records`` (at least one)."""
    created_at = (created_at or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0)
    # The default namespace is declared as a plain attribute so that the format attributes
    # stay unqualified, as the schema has them.
    root = ET.Element("nark_submission", {"xmlns": NAMESPACE, "format": FORMAT,
                                          "created_at": created_at.isoformat(), "count": str(len(records))})
    for record in records:
        _add(root, "record", record.to_wire())
    ET.indent(root)
    buffer = io.BytesIO()
    ET.ElementTree(root).write(buffer, encoding="UTF-8", xml_declaration=True)
    return buffer.getvalue()


def _add(parent: ET.Element, name: str, value: Any) -> None:
    """Append ``value`` as element ``name``: objects nest, ``None`` is left out, booleans are XSD's."""
    if value is None:
        return
    element = ET.SubElement(parent, name)
    if isinstance(value, dict):
        for key, item in value.items():
            _add(element, key, item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    else:
        element.text = str(value)
