"""The two formats of the specification: XML (required) and JSON, chosen by the extension.

Documents are plain Python values: a dict is an element with children, a list of dicts is
repeated child elements named by `ITEM` (XML) or a JSON array. Booleans are "true"/"false",
None is an empty element (JSON null).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

from django.http import HttpResponse

CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}

# The element name of each item of a repeated list, by the list's element name.
ITEM = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


# Characters XML 1.0 cannot carry at all (a resident's text may contain them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list):
        tag = ITEM[element.tag]
        for item in value:
            _fill(ET.SubElement(element, tag), item)
    elif value is not None:
        element.text = _text(value)


def to_xml(root: str, value: Any) -> bytes:
    element = ET.Element(root)
    _fill(element, value)
    body = ET.tostring(element, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")


def to_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def respond(fmt: str, root: str, value: Any, status: int = 200) -> HttpResponse:
    """`root` names the XML document element; JSON is the value itself."""
    body = to_xml(root, value) if fmt == "xml" else to_json(value)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def error(fmt: str, status: int, description: str) -> HttpResponse:
    """The specification's error document: <errors><error><code/><description/></error>…"""
    return respond(fmt, "errors", [{"code": status, "description": description}], status)
