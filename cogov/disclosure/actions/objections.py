"""Residents' objections to a published notice, and the answers to them."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cogov.core import audit
from cogov.core.errors import ActionError, NotAllowed
from cogov.core.notifications import notify

from ..models import (
    Notice,
    Objection,
)
from .common import _require, _staff, _url, _user


def object_to(*, actor: Any, notice: Notice, body: str) -> Objection:
    """A resident objects to (or asks about) a published notice while its window is open."""
    if actor is None or not actor.has_perm("disclosure.object", notice):
        raise NotAllowed(_("objections to this notice are not open to you"))
    body = (body or "").strip()
    if not body:
        raise ActionError(_("write your objection"), field="body")
    if len(body) > 2000:
        raise ActionError(_("at most 2,000 characters"), field="body")
    with transaction.atomic():
        objection = Objection.objects.create(notice=notice, author=actor, body=body)
        audit.record(actor, "disclosure.object", notice)
        notify(
            _staff(notice.community, ("community_worker", "party_secretary")),
            "disclosure.objection",
            f"居民对公开事项提出异议:{notice.title}",
            url=_url(notice),
        )
    return objection


def answer_objection(*, actor: Any, objection: Objection, answer: str) -> Objection:
    """Staff answer an objection; the answer is shown on the public board."""
    _require(actor, "disclosure.answer_objection", objection.notice)
    answer = (answer or "").strip()
    if not answer:
        raise ActionError(_("write the answer"), field="answer")
    with transaction.atomic():
        moved = Objection.objects.filter(pk=objection.pk, answered_at__isnull=True).update(
            answer=answer, answered_by=_user(actor), answered_at=timezone.now()
        )
        if not moved:
            raise ActionError(_("this objection has been answered"), field="answer")
        objection.refresh_from_db()
        audit.record(actor, "disclosure.answer_objection", objection.notice)
        notify(
            [objection.author], "disclosure.answered", f"您的异议已答复:{objection.notice.title}"
        )
    return objection
