"""Party-member records: claims against the yearly scheme, decisions by the party secretary."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from cogov.core import audit
from cogov.core.errors import ActionError, NotAllowed
from cogov.core.notifications import notify
from cogov.core.policies import get_policy
from cogov.core.workflow import TransitionTable, transition

from ..models import RECORD_TRANSITIONS, PartyRecord, PartyRecordEvent, RecordStatus
from ..policy_kinds import PARTY

TABLE = TransitionTable(RECORD_TRANSITIONS)  # type: ignore[arg-type]


def claim_party_record(
    *,
    actor: Any,
    member: Any,
    code: str,
    occurred_on: dt.date,
    description: str = "",
    evidence: list[dict[str, Any]] | None = None,
) -> PartyRecord:
    """Record an item of the scheme for a member: the member claims it, or staff record it.
    Items that need evidence (bonus, extra) are refused without it. Base and task items recorded
    by the staff who manage points stand at once (approved); everything else waits for the
    party secretary's decision."""
    if not actor.has_perm("points.claim_party_record", member):
        raise NotAllowed("you may not record points for this member")
    node = member.branch.node
    scheme = get_policy(PARTY, node, on=occurred_on)
    item = scheme.item(code)
    if item is None:
        raise ActionError(gettext("unknown item of the scheme"), field="code")
    evidence = [e for e in (evidence or []) if e]
    if item.evidence_required and not evidence:
        raise ActionError(
            gettext("this item needs evidence"), field="evidence", code="evidence_required"
        )
    with transaction.atomic():
        record = PartyRecord.objects.create(
            member=member,
            code=item.code,
            label=item.label,
            bucket=item.bucket,
            points=item.points,
            occurred_on=occurred_on,
            description=description,
            evidence=evidence,
            claimed_by=actor,
        )
        PartyRecordEvent.objects.create(
            subject=record,
            actor=actor,
            to_status=RecordStatus.CLAIMED,
            evidence={"items": evidence},
        )
        audit.record(actor, "points.claim_party_record", record, code=code)
        standing = item.bucket in {"base", "task"} and actor.has_perm("points.manage_points", node)
        if standing:
            transition(
                record,
                RecordStatus.APPROVED,
                table=TABLE,
                events=PartyRecordEvent,
                actor=actor,
                note="recorded by staff",
            )
    return record


def decide_party_record(
    *, actor: Any, record: PartyRecord, approve: bool, note: str = ""
) -> PartyRecord:
    """The party secretary approves or rejects a claim. Nobody approves their own claim."""
    if not actor.has_perm("points.decide_party_record", record.member):
        raise NotAllowed("only the party organization decides party points")
    if record.claimed_by_id == actor.pk:
        raise NotAllowed("a claim is decided by someone else than the claimant")
    to = RecordStatus.APPROVED if approve else RecordStatus.REJECTED
    with transaction.atomic():
        transition(record, to, table=TABLE, events=PartyRecordEvent, actor=actor, note=note)
        audit.record(actor, "points.decide_party_record", record, approved=approve)
        user = record.member.person.user
        if user is not None:
            notify([user], "points.party_decided", f"{record.label}: {record.get_status_display()}")
    return record
