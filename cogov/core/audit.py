"""The audit log: every policy change, every reveal of personal information."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditLog


def record(actor: Any, action: str, obj: models.Model | None = None, **detail: Any) -> AuditLog:
    content_type = ContentType.objects.get_for_model(obj) if obj is not None else None
    return AuditLog.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        content_type=content_type,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        detail=detail,
    )
