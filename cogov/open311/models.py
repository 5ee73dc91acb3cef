"""Open311 GeoReport v2: what the endpoint adds to the case categories (service descriptions and
attribute definitions), the API keys of organizations, and the record of each request received.

A case itself lives in the cases app; `ServiceRequest` keeps what only Open311 knows (the api
key it came through, its token, the attribute values, contact data that must never be
published).
"""

from __future__ import annotations

import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ServiceType(models.TextChoices):
    REALTIME = "realtime", _("Realtime: the request id is answered at once")
    BATCH = "batch", _("Batch: a token is answered, the id is looked up with it")


class Service(models.Model):
    """How a case category is offered as an Open311 service (optional: defaults apply)."""

    category = models.OneToOneField(
        "cases.Category",
        on_delete=models.CASCADE,
        related_name="open311_service",
        verbose_name=_("category"),
    )
    description = models.TextField(_("description"), blank=True)
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)
    type = models.CharField(
        _("type"), max_length=16, choices=ServiceType.choices, default=ServiceType.REALTIME
    )

    class Meta:
        verbose_name = _("Open311 service")
        verbose_name_plural = _("Open311 services")

    def __str__(self) -> str:
        return str(self.category)


class Datatype(models.TextChoices):
    STRING = "string", _("String")
    NUMBER = "number", pgettext_lazy("datatype", "Number")
    DATETIME = "datetime", _("Date and time")
    TEXT = "text", _("Text")
    SINGLEVALUELIST = "singlevaluelist", _("One value of a list")
    MULTIVALUELIST = "multivaluelist", _("Values of a list")


class ServiceAttribute(models.Model):
    """One attribute of a service definition. `values` is a list of {"key": …, "name": …} for
    the list datatypes."""

    category = models.ForeignKey(
        "cases.Category",
        on_delete=models.CASCADE,
        related_name="open311_attributes",
        verbose_name=_("category"),
    )
    code = models.SlugField(pgettext_lazy("service", "code"), max_length=50)
    variable = models.BooleanField(
        _("variable"), default=True, help_text=_("false: an information text, not an input")
    )
    datatype = models.CharField(_("datatype"), max_length=16, choices=Datatype.choices)
    required = models.BooleanField(_("required"), default=False)
    datatype_description = models.CharField(_("datatype description"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    description = models.TextField(_("description"))
    values = models.JSONField(_("values"), default=list, blank=True)

    class Meta:
        verbose_name = _("service attribute")
        verbose_name_plural = _("service attributes")
        ordering = ["category", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="open311_attribute_unique")
        ]

    def __str__(self) -> str:
        return f"{self.category} · {self.code}"

    @property
    def keys(self) -> list[str]:
        return [str(v.get("key")) for v in self.values or []]


class ApiKeyQuerySet(models.QuerySet["ApiKey"]):
    def active(self) -> ApiKeyQuerySet:
        return self.filter(revoked_at__isnull=True)

    def by_key(self, raw: str) -> ApiKey | None:
        """The key whatever its state (a revoked key is found, so it can be told apart)."""
        if not raw:
            return None
        return (
            self.select_related("organization", "created_by")
            .filter(key_hash=ApiKey.hash(raw))
            .first()
        )


class ApiKey(models.Model):
    """An Open311 api_key of an organization. Shown once at issue; only its hash is stored."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="open311_keys",
        verbose_name=_("organization"),
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=12, editable=False, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.organization} {self.prefix}…"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return "o311_" + secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ServiceRequest(models.Model):
    """A request received through Open311, and the case it opened."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="open311_request"
    )
    api_key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="requests")
    token = models.CharField(max_length=40, unique=True, editable=False)
    attributes = models.JSONField(default=dict, blank=True)
    # Contact data of the requester: personal information, never published.
    email = models.CharField(max_length=254, blank=True)
    device_id = models.CharField(max_length=100, blank=True)
    account_id = models.CharField(max_length=100, blank=True)
    media_url = models.URLField(max_length=500, blank=True)
    address_string = models.CharField(max_length=200, blank=True)
    jurisdiction_id = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Open311 request")
        verbose_name_plural = _("Open311 requests")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.token
