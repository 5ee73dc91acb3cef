"""Every write of the Open311 app: keys of organizations, service attributes, and the service
requests received (which open a case through cogov.cases.actions.report_case)."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from cogov.core.audit import record
from cogov.core.errors import ActionError, NotAllowed

from . import jurisdiction
from .models import ApiKey, Datatype, ServiceAttribute, ServiceRequest
from .submission import Submission


def _require(actor: Any, perm: str, obj: Any = None) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise NotAllowed()


def issue_api_key(*, actor: Any, organization: Any, name: str = "") -> tuple[ApiKey, str]:
    """Issue a key for `organization`. The raw key is returned once and never stored."""
    _require(actor, "open311.manage_api_keys", organization)
    if not organization.active:
        raise ActionError("this organization is inactive", field="organization")
    name = (name or "").strip()
    if len(name) > 100:
        raise ActionError("the name is longer than 100 characters", field="name")
    raw = ApiKey.generate()
    with transaction.atomic():
        key = ApiKey.objects.create(
            organization=organization,
            name=name,
            prefix=raw[:12],
            key_hash=ApiKey.hash(raw),
            created_by=actor,
        )
        record(
            actor,
            "open311.issue_api_key",
            key,
            organization=str(organization.uuid),
            prefix=key.prefix,
        )
    return key, raw


def revoke_api_key(*, actor: Any, key: ApiKey) -> ApiKey:
    """Revoke a key at once; requests with it answer 403 from now on."""
    _require(actor, "open311.manage_api_keys", key.organization)
    with transaction.atomic():
        now = timezone.now()
        moved = ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(
            revoked_at=now, revoked_by=actor
        )
        if not moved:
            raise ActionError("this key is already revoked", field="key")
        key.revoked_at, key.revoked_by = now, actor
        record(actor, "open311.revoke_api_key", key, prefix=key.prefix)
    return key


def authenticate(raw: str) -> ApiKey:
    """The active key for `raw`, or NotAllowed (403 in the specification)."""
    key = ApiKey.objects.by_key((raw or "").strip())
    if key is None:
        raise NotAllowed("api_key is missing or invalid")
    if key.revoked_at is not None:
        raise NotAllowed("api_key has been revoked")
    if not key.created_by.is_active or not key.organization.active:
        raise NotAllowed("api_key is no longer valid")
    return key


ATTRIBUTE_FIELDS = (
    "variable",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
)


def save_service_attribute(
    *,
    actor: Any,
    category: Any,
    code: str,
    attribute: ServiceAttribute | None = None,
    **fields: Any,
) -> ServiceAttribute:
    """Create or change an attribute of a service definition (category managers only)."""
    _require(actor, "cases.manage_categories")
    unknown = set(fields) - set(ATTRIBUTE_FIELDS)
    if unknown:
        raise ActionError(f"unknown field {sorted(unknown)[0]}", field=sorted(unknown)[0])
    if fields.get("datatype", getattr(attribute, "datatype", "")) not in Datatype.values:
        raise ActionError("unknown datatype", field="datatype")
    values = fields.get("values", getattr(attribute, "values", []))
    if not isinstance(values, list) or not all(
        isinstance(v, dict) and v.get("key") not in (None, "") and "name" in v for v in values
    ):
        raise ActionError('values must be a list of {"key": …, "name": …}', field="values")
    taken = ServiceAttribute.objects.filter(category=category, code=code)
    if attribute is not None:
        taken = taken.exclude(pk=attribute.pk)
    if taken.exists():
        raise ActionError("this code is taken", field="code")
    with transaction.atomic():
        attribute = attribute or ServiceAttribute(category=category)
        attribute.code = code
        for key, value in fields.items():
            setattr(attribute, key, value)
        attribute.full_clean()
        attribute.save()
        record(
            actor,
            "open311.save_service_attribute",
            attribute,
            category=category.code,
            code=code,
            **{k: v for k, v in fields.items()},
        )
    return attribute


def submit_service_request(*, api_key: ApiKey, submission: Submission) -> ServiceRequest:
    """Open a case from a validated Open311 request, atomically with its Open311 record.

    The acting user is the key's issuer (who vouches for the client application), but not the
    case's reporter: the case has no reporter user, so the issuer gets no reporter
    notifications and no "check the reply" queue items. The requester's name and phone go to
    the case's caller fields (the revisit calls them back); the rest of the contact data stays
    in the Open311 record. Nothing is written when any step fails.
    """
    from cogov.cases import actions as case_actions
    from cogov.cases.models import Channel

    jurisdiction.check(submission.jurisdiction_id)
    actor = api_key.created_by
    description = submission.description or submission.category.name
    if submission.attribute_lines:
        description = "\n".join([description, "", *submission.attribute_lines])
    with transaction.atomic():
        case = case_actions.report_case(
            actor=actor,
            reporter_user=None,
            category=submission.category,
            description=description,
            lon=submission.lon,
            lat=submission.lat,
            building=submission.building,
            address=submission.address_string,
            channel=Channel.OPEN311,
            caller_name=submission.caller_name[:50],
            caller_phone=submission.phone,
            anonymous=not submission.phone,  # no way to call back: no revisit (回访) expected
        )
        request = ServiceRequest.objects.create(
            case=case,
            api_key=api_key,
            token=secrets.token_hex(16),
            attributes=submission.attributes,
            email=submission.email,
            device_id=submission.device_id,
            account_id=submission.account_id,
            media_url=submission.media_url,
            address_string=submission.address_string,
            jurisdiction_id=submission.jurisdiction_id,
        )
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=timezone.now())
    return request
