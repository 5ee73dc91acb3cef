"""Visits: recorded once per client key (a replay answers with the first), and findings handed
off to the case loop."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cogov.core.errors import ActionError

from .. import checklist
from ..handoff import get_target
from ..models import (
    CampaignHousehold,
    Finding,
    Outcome,
    Visit,
)
from .common import S, VisitConflict, _event, require


def _digest(
    entry: CampaignHousehold, actor: Any, outcome: str, answers: Any, note: str, client_time: Any
) -> str:
    payload = {
        "household": entry.household_id,
        "visitor": actor.pk,
        "outcome": outcome,
        "answers": answers or {},
        "note": (note or "").strip(),
        "client_time": client_time.isoformat()
        if isinstance(client_time, dt.datetime)
        else client_time,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _replay(existing: Visit, digest: str) -> tuple[Visit, bool]:
    if existing.payload_hash != digest:
        raise VisitConflict(existing)
    return existing, False


def record_visit(
    *,
    actor: Any,
    entry: CampaignHousehold,
    client_key: Any,
    outcome: str = Outcome.COMPLETED,
    answers: Any = None,
    note: str = "",
    client_time: dt.datetime | None = None,
) -> tuple[Visit, bool]:
    """Record a visit of a household; returns (visit, created).

    Safe to send again: the same client key with the same payload returns the first visit
    (created=False); with a different payload it raises VisitConflict. The first completed
    visit of a household marks it visited (a conditional UPDATE, so concurrent visits count it
    once); later ones are revisits. Answers are checked against the checklist; flagged answers
    become findings."""
    if client_key is None:
        raise ActionError(_("A client key is required."), field="client_key")
    digest = _digest(entry, actor, outcome, answers, note, client_time)
    existing = Visit.objects.filter(campaign_id=entry.campaign_id, client_key=client_key).first()
    if existing is not None:
        return _replay(existing, digest)
    require(actor, "campaigns.visit_household", entry)
    campaign = entry.campaign
    if campaign.status != S.ACTIVE:
        raise ActionError(_("This campaign is not active."), code="inactive")
    if outcome not in Outcome.values:
        raise ActionError(_("Unknown outcome."), field="outcome")
    cleaned = checklist.clean_answers(
        campaign.checklist, answers, complete=outcome == Outcome.COMPLETED
    )
    now = timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                visit = Visit.objects.create(
                    campaign_id=entry.campaign_id,
                    entry=entry,
                    household_id=entry.household_id,
                    visitor=actor,
                    client_key=client_key,
                    payload_hash=digest,
                    outcome=outcome,
                    answers=cleaned,
                    note=(note or "").strip(),
                    client_time=client_time,
                    server_time=now,
                )
        except IntegrityError:
            existing = Visit.objects.get(campaign_id=entry.campaign_id, client_key=client_key)
            return _replay(existing, digest)
        if outcome == Outcome.COMPLETED:
            first = CampaignHousehold.objects.filter(pk=entry.pk, visited_at__isnull=True).update(
                visited_at=now, first_visit=visit
            )
            if first:
                entry.visited_at, entry.first_visit = now, visit
        found = [
            Finding(
                campaign_id=entry.campaign_id,
                visit=visit,
                entry=entry,
                kind=str(f.flag),
                field=f.key,
                label=f.label,
                detail=_answer_text(value),
                case_category=f.case_category,
                found_at=now,
            )
            for f, value in checklist.flagged(campaign.checklist, cleaned)
        ]
        if found:
            Finding.objects.bulk_create(found)
    return visit, True


def _answer_text(value: Any) -> str:
    if value is True:
        return ""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def hand_off_finding(
    *, actor: Any, finding: Finding, target: str = "case", **options: Any
) -> Finding:
    """Send a need on to a target of the hand-off registry (handoff.py): "case" reports it as a
    case at the household's building. Once only."""
    require(actor, "campaigns.hand_off_finding", finding)
    handler = get_target(target)
    if finding.kind != "need":
        raise ActionError(_("Only needs are handed off."), field="finding")
    with transaction.atomic():
        locked = Finding.objects.select_for_update().get(pk=finding.pk)
        if locked.handed_off_at is not None:
            raise ActionError(_("This need has already been handed off."), code="handed_off")
        ref = handler.send(actor, finding, **options)
        now = timezone.now()
        Finding.objects.filter(pk=finding.pk).update(
            handoff_target=target, handoff_ref=ref, handed_off_at=now, handed_off_by=actor
        )
        finding.handoff_target, finding.handoff_ref, finding.handed_off_at = target, ref, now
        finding.handed_off_by = actor
        _event(
            finding.campaign, actor, "hand_off", finding=str(finding.uuid), target=target, ref=ref
        )
    return finding
