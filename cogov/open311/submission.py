"""Parse and validate a POSTed service request (GeoReport v2 "POST Service Request").

Everything that can be checked without writing is checked here, so that a bad request writes
nothing: each problem raises ActionError naming the parameter.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

from cogov.core.errors import ActionError

from .dates import parse_iso
from .models import Datatype, ServiceAttribute

MAX_DESCRIPTION = 4000
_ATTRIBUTE = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")


@dataclass
class Submission:
    category: Any
    service: Any  # the open311 Service row or None
    description: str
    lat: float | None = None
    lon: float | None = None
    building: Any = None
    address_string: str = ""
    attributes: dict[str, Any] = field(default_factory=dict)
    attribute_lines: list[str] = field(default_factory=list)
    email: str = ""
    device_id: str = ""
    account_id: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    media_url: str = ""
    jurisdiction_id: str = ""

    @property
    def caller_name(self) -> str:
        first, last = self.first_name.strip(), self.last_name.strip()
        if any("\u4e00" <= ch <= "\u9fff" for ch in first + last):
            return f"{last}{first}"  # Chinese names: family name first, no space
        return " ".join(part for part in (first, last) if part)


def _text(data: Any, name: str, limit: int) -> str:
    value = (data.get(name) or "").strip()
    if len(value) > limit:
        raise ActionError(f"{name} is longer than {limit} characters", field=name)
    return value


def _coordinate(raw: str, name: str, low: float, high: float) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ActionError(f"{name} must be a number", field=name) from None
    if not math.isfinite(value) or not low <= value <= high:
        raise ActionError(f"{name} is out of range", field=name)
    return value


def _category(code: str) -> tuple[Any, Any]:
    from cogov.cases.models import Category

    if not code:
        raise ActionError("service_code is required", field="service_code")
    category = (
        Category.objects.filter(code=code, active=True)
        .select_related("parent", "open311_service")
        .first()
    )
    if category is None:
        raise ActionError(f"service_code {code} was not found", field="service_code")
    return category, getattr(category, "open311_service", None)


def _building(code: str) -> Any:
    from cogov.territory.models import Building

    building = Building.objects.select_related("grid").filter(code=code).first()
    if building is None:
        raise ActionError(f"address_id {code} was not found", field="address_id")
    return building


def _building_at(address: str) -> Any:
    """The one building whose address or name is exactly `address` (no geocoder: the platform
    knows its buildings, not free-form addresses)."""
    from django.db.models import Q

    from cogov.territory.models import Building

    found = list(
        Building.objects.select_related("grid").filter(Q(address=address) | Q(name=address))[:2]
    )
    if len(found) != 1:
        raise ActionError(
            "address_string could not be located; give lat and long or an address_id",
            field="address_string",
        )
    return found[0]


def _attribute_values(data: Any) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for key in data:
        match = _ATTRIBUTE.match(key)
        if match:
            got = [v.strip() for v in data.getlist(key) if v.strip()]
            values.setdefault(match.group(1), []).extend(got)
    return values


def _check_attribute(attr: ServiceAttribute, given: list[str]) -> Any:
    name = f"attribute[{attr.code}]"
    if attr.datatype == Datatype.MULTIVALUELIST:
        bad = [v for v in given if v not in attr.keys]
        if bad:
            raise ActionError(f"{name}: {bad[0]} is not one of the values", field=name)
        return given
    if len(given) > 1:
        raise ActionError(f"{name} takes one value", field=name)
    value = given[0]
    if attr.datatype == Datatype.SINGLEVALUELIST and value not in attr.keys:
        raise ActionError(f"{name}: {value} is not one of the values", field=name)
    if attr.datatype == Datatype.NUMBER:
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise ActionError(f"{name} must be a number", field=name) from None
        if not number.is_finite():
            raise ActionError(f"{name} must be a number", field=name)
    if attr.datatype == Datatype.DATETIME:
        parsed = _datetime(value, name)
        value = parsed.isoformat()
    if attr.datatype == Datatype.STRING and len(value) > 200:
        raise ActionError(f"{name} is longer than 200 characters", field=name)
    if attr.datatype == Datatype.TEXT and len(value) > MAX_DESCRIPTION:
        raise ActionError(f"{name} is longer than {MAX_DESCRIPTION} characters", field=name)
    return value


def _datetime(value: str, name: str) -> dt.datetime:
    """ISO 8601 with a time zone (Z or ±HH:MM), as the specification requires."""
    return parse_iso(value, name)


def _label(attr: ServiceAttribute, value: Any) -> str:
    names = {str(v.get("key")): str(v.get("name", v.get("key"))) for v in attr.values or []}
    if isinstance(value, list):
        return ", ".join(names.get(str(v), str(v)) for v in value)
    return names.get(str(value), str(value))


def parse(data: Any) -> Submission:
    """Validate the POST parameters (a QueryDict) into a Submission, or raise ActionError."""
    category, service = _category((data.get("service_code") or "").strip())
    lat_raw, lon_raw = (data.get("lat") or "").strip(), (data.get("long") or "").strip()
    address_string = _text(data, "address_string", 200)
    address_id = _text(data, "address_id", 24)
    sub = Submission(category=category, service=service, description="")
    if lat_raw or lon_raw:
        if not (lat_raw and lon_raw):
            raise ActionError("give both lat and long", field="lat" if not lat_raw else "long")
        sub.lat = _coordinate(lat_raw, "lat", -90, 90)
        sub.lon = _coordinate(lon_raw, "long", -180, 180)
    if address_id:
        sub.building = _building(address_id)
    if sub.lat is None and sub.building is None:
        if not address_string:
            raise ActionError(
                "a location is required: lat and long, address_string or address_id",
                field="lat",
            )
        sub.building = _building_at(address_string)
    sub.address_string = address_string

    given = _attribute_values(data)
    definitions = {a.code: a for a in category.open311_attributes.all()}
    for code in given:
        if code not in definitions or not definitions[code].variable:
            raise ActionError(
                f"attribute[{code}] is not an attribute of this service", field=f"attribute[{code}]"
            )
    for attr in definitions.values():
        if not attr.variable:
            continue
        if not given.get(attr.code):
            if attr.required:
                raise ActionError(
                    f"attribute[{attr.code}] is required", field=f"attribute[{attr.code}]"
                )
            continue
        value = _check_attribute(attr, given[attr.code])
        sub.attributes[attr.code] = value
        sub.attribute_lines.append(f"{attr.description}: {_label(attr, value)}")

    sub.description = _text(data, "description", MAX_DESCRIPTION)
    sub.email = _text(data, "email", 254)
    if sub.email:
        try:
            EmailValidator()(sub.email)
        except ValidationError:
            raise ActionError("email is not an e-mail address", field="email") from None
    sub.media_url = _text(data, "media_url", 500)
    if sub.media_url:
        try:
            URLValidator(schemes=["http", "https"])(sub.media_url)
        except ValidationError:
            raise ActionError("media_url is not an http(s) URL", field="media_url") from None
    sub.device_id = _text(data, "device_id", 100)
    sub.account_id = _text(data, "account_id", 100)
    sub.first_name = _text(data, "first_name", 25)
    sub.last_name = _text(data, "last_name", 25)
    sub.phone = _text(data, "phone", 20)
    if sub.phone and not re.fullmatch(r"\+?[0-9 ()-]{5,20}", sub.phone):
        raise ActionError("phone is not a phone number", field="phone")
    sub.jurisdiction_id = _text(data, "jurisdiction_id", 20)
    return sub
