"""Checks that a response is a GeoReport v2 document: content type, UTF-8, element names and
nesting (XML, parsed with xml.etree), keys and types (JSON)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")

REQUEST_FIELDS: dict[str, tuple[type, ...]] = {
    "service_request_id": (str,),
    "status": (str,),
    "status_notes": (str,),
    "service_name": (str,),
    "service_code": (str,),
    "description": (str,),
    "agency_responsible": (str,),
    "service_notice": (str,),
    "requested_datetime": (str,),
    "updated_datetime": (str,),
    "expected_datetime": (str, type(None)),
    "address": (str,),
    "address_id": (str,),
    "zipcode": (str,),
    "lat": (float, type(None)),
    "long": (float, type(None)),
    "media_url": (str, type(None)),
}
SERVICE_FIELDS: dict[str, tuple[type, ...]] = {
    "service_code": (str,),
    "service_name": (str,),
    "description": (str,),
    "metadata": (bool,),
    "type": (str,),
    "keywords": (str,),
    "group": (str,),
}
ATTRIBUTE_FIELDS: dict[str, tuple[type, ...]] = {
    "variable": (bool,),
    "code": (str,),
    "datatype": (str,),
    "required": (bool,),
    "datatype_description": (str,),
    "order": (int,),
    "description": (str,),
    "values": (list,),
}
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}


def _typed(obj: dict[str, Any], fields: dict[str, tuple[type, ...]]) -> None:
    assert set(obj) == set(fields), sorted(set(obj) ^ set(fields))
    for key, types in fields.items():
        assert isinstance(obj[key], types), (key, obj[key])


def body(response: Any, fmt: str) -> Any:
    """Check the envelope and return the JSON value or the XML root element."""
    raw = response.content
    raw.decode("utf-8")  # UTF-8 everywhere
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        return json.loads(raw)
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(raw)


def _kids(element: ET.Element, name: str) -> list[ET.Element]:
    found = element.find(name)
    assert found is not None, name
    return list(found)


def _children(element: ET.Element) -> list[str]:
    return [child.tag for child in element]


def error(response: Any, fmt: str, status: int) -> str:
    assert response.status_code == status
    doc = body(response, fmt)
    if fmt == "json":
        assert isinstance(doc, list) and len(doc) == 1
        assert set(doc[0]) == {"code", "description"}
        assert doc[0]["code"] == status and isinstance(doc[0]["description"], str)
        return str(doc[0]["description"])
    assert doc.tag == "errors" and _children(doc) == ["error"]
    assert _children(doc[0]) == ["code", "description"]
    assert doc[0].findtext("code") == str(status)
    return doc[0].findtext("description") or ""


def service_requests(response: Any, fmt: str) -> list[dict[str, Any]]:
    """The requests of a GET answer as dicts of the JSON shape (XML text converted back)."""
    assert response.status_code == 200, response.content
    doc = body(response, fmt)
    if fmt == "json":
        assert isinstance(doc, list)
        for item in doc:
            _typed(item, REQUEST_FIELDS)
            assert item["status"] in ("open", "closed")
            assert ISO.match(item["requested_datetime"]) and ISO.match(item["updated_datetime"])
            assert item["expected_datetime"] is None or ISO.match(item["expected_datetime"])
        return list(doc)
    assert doc.tag == "service_requests"
    items = []
    for request in doc:
        assert request.tag == "request"
        assert _children(request) == list(REQUEST_FIELDS)
        assert all(len(child) == 0 for child in request)  # flat
        item: dict[str, Any] = {child.tag: child.text for child in request}
        assert item["status"] in ("open", "closed")
        assert ISO.match(item["requested_datetime"])
        for key in ("lat", "long"):
            item[key] = float(item[key]) if item[key] is not None else None
        items.append(item)
    return items


def post_answer(response: Any, fmt: str) -> dict[str, Any]:
    assert response.status_code == 201, response.content
    doc = body(response, fmt)
    if fmt == "json":
        assert isinstance(doc, list) and len(doc) == 1
        item = doc[0]
        assert set(item) in (
            {"service_request_id", "service_notice", "account_id"},
            {"token", "service_notice", "account_id"},
        )
        return dict(item)
    assert doc.tag == "service_requests" and _children(doc) == ["request"]
    tags = _children(doc[0])
    assert tags in (
        ["service_request_id", "service_notice", "account_id"],
        ["token", "service_notice", "account_id"],
    )
    return {child.tag: child.text for child in doc[0]}


def services(response: Any, fmt: str) -> list[dict[str, Any]]:
    assert response.status_code == 200
    doc = body(response, fmt)
    if fmt == "json":
        for item in doc:
            _typed(item, SERVICE_FIELDS)
            assert item["type"] in ("realtime", "batch", "blackbox")
        return list(doc)
    assert doc.tag == "services"
    out = []
    for service in doc:
        assert service.tag == "service"
        assert _children(service) == list(SERVICE_FIELDS)
        item: dict[str, Any] = {c.tag: c.text or "" for c in service}
        assert item["metadata"] in ("true", "false")
        item["metadata"] = item["metadata"] == "true"
        out.append(item)
    return out


def definition(response: Any, fmt: str) -> dict[str, Any]:
    assert response.status_code == 200
    doc = body(response, fmt)
    if fmt == "json":
        assert set(doc) == {"service_code", "attributes"}
        for attr in doc["attributes"]:
            _typed(attr, ATTRIBUTE_FIELDS)
            assert attr["datatype"] in DATATYPES
            for value in attr["values"]:
                assert set(value) == {"key", "name"}
        return dict(doc)
    assert doc.tag == "service_definition"
    assert _children(doc) == ["service_code", "attributes"]
    attributes = []
    for attr in _kids(doc, "attributes"):
        assert attr.tag == "attribute"
        assert _children(attr) == list(ATTRIBUTE_FIELDS)
        assert attr.findtext("datatype") in DATATYPES
        assert attr.findtext("variable") in ("true", "false")
        values = []
        for value in _kids(attr, "values"):
            assert value.tag == "value" and _children(value) == ["key", "name"]
            values.append({"key": value.findtext("key"), "name": value.findtext("name")})
        attributes.append(
            {
                "code": attr.findtext("code"),
                "values": values,
                "required": attr.findtext("required") == "true",
            }
        )
    return {"service_code": doc.findtext("service_code"), "attributes": attributes}


def discovery(response: Any, fmt: str) -> dict[str, Any]:
    assert response.status_code == 200
    doc = body(response, fmt)
    if fmt == "json":
        assert set(doc) == {"changeset", "contact", "key_service", "endpoints"}
        for endpoint in doc["endpoints"]:
            assert set(endpoint) == {"specification", "url", "changeset", "type", "formats"}
            assert endpoint["type"] in ("production", "test")
        return dict(doc)
    assert doc.tag == "discovery"
    assert _children(doc) == ["changeset", "contact", "key_service", "endpoints"]
    endpoints = []
    for endpoint in _kids(doc, "endpoints"):
        assert endpoint.tag == "endpoint"
        assert _children(endpoint) == ["specification", "url", "changeset", "type", "formats"]
        formats = [f.text for f in _kids(endpoint, "formats")]
        assert all(f.tag == "format" for f in _kids(endpoint, "formats"))
        endpoints.append({**{c.tag: c.text for c in endpoint}, "formats": formats})
    return {"endpoints": endpoints}
