"""The time bank: transfers to relatives, spending on services, recorded relations."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from cogov.core import audit
from cogov.core.errors import ActionError
from cogov.core.notifications import notify
from cogov.core.policies import get_policy

from .. import ledger
from ..models import Account, AccountKind, Entry, EntryKind, Relation
from ..policy_kinds import TIME_BANK
from .common import account_for, require


def record_relation(*, actor: Any, person: Any, relative: Any, relation: str) -> Relation:
    """Staff record a family relation outside the household (seen documents), both ways."""
    from .common import community_of

    require(actor, "points.manage_points", community_of(person))
    if person.pk == relative.pk:
        raise ActionError(gettext("a person is not their own relative"), field="relative")
    with transaction.atomic():
        row, _ = Relation.objects.get_or_create(
            person=person, relative=relative, defaults={"relation": relation, "recorded_by": actor}
        )
        Relation.objects.get_or_create(
            person=relative, relative=person, defaults={"relation": relation, "recorded_by": actor}
        )
        audit.record(actor, "points.record_relation", row, relation=relation)
    return row


def may_receive(source: Account, recipient: Any) -> bool:
    """Same household, or a recorded relation, as the time-bank policy allows."""
    bank = get_policy(TIME_BANK, source.community)
    person = source.person
    if (
        bank.transfer_to_household
        and person.household_id
        and (person.household_id == recipient.household_id)
    ):
        return True
    return bool(
        bank.transfer_to_recorded_relatives
        and Relation.objects.filter(person=person, relative=recipient).exists()
    )


def transfer_time(
    *, actor: Any, source: Account, recipient: Any, hours: Decimal, key: str | None = None
) -> tuple[Entry, Entry]:
    """Give time-bank units to a relative. Both accounts are locked (in id order), the source
    may not go below zero, and the two entries name each other's account."""
    require(actor, "points.use_account", source)
    if source.kind != AccountKind.TIME:
        raise ActionError(gettext("only time-bank units are transferred"), field="source")
    hours = ledger.q(hours)
    if hours <= 0:
        raise ActionError(gettext("transfer a positive number of hours"), field="hours")
    if recipient.pk == source.person_id:
        raise ActionError(gettext("choose someone else"), field="recipient")
    if not may_receive(source, recipient):
        raise ActionError(
            gettext("transfers go to the same household or a recorded relative"),
            field="recipient",
            code="not_relative",
        )
    target = account_for(recipient, source.community, AccountKind.TIME)
    key = key or str(uuid.uuid4())
    with transaction.atomic():
        out_account, in_account = ledger.lock(source, target)
        now = timezone.now()
        out, created = ledger.append_once(
            out_account,
            idempotency_key=f"transfer:{key}:out",
            kind=EntryKind.TRANSFER,
            amount=-hours,
            actor=actor,
            occurred_at=now,
            counterparty=in_account,
            memo=f"to {recipient.name}",
            rule="time_bank:transfer",
        )
        if not created:
            return out, Entry.objects.get(idempotency_key=f"transfer:{key}:in")
        incoming = ledger.append(
            in_account,
            kind=EntryKind.TRANSFER,
            amount=hours,
            actor=actor,
            occurred_at=now,
            counterparty=out_account,
            memo=f"from {source.person.name}",
            rule="time_bank:transfer",
            idempotency_key=f"transfer:{key}:in",
        )
        audit.record(actor, "points.transfer_time", out, hours=str(hours))
        if recipient.user is not None:
            notify([recipient.user], "points.time_received", f"{hours} time-bank hours received")
    source.refresh_from_db()
    return out, incoming


def spend_time(*, actor: Any, account: Account, hours: Decimal, service: str) -> Entry:
    """Spend units on a service received (companionship, escort, shopping…). The holder or
    the community's staff record it; never below zero."""
    if not (actor.has_perm("points.use_account", account)):
        require(actor, "points.correct_ledger", account)
    if account.kind != AccountKind.TIME:
        raise ActionError(gettext("services are paid with time-bank units"), field="account")
    hours = ledger.q(hours)
    if hours <= 0:
        raise ActionError(gettext("a positive number of hours"), field="hours")
    if not service.strip():
        raise ActionError(gettext("name the service"), field="service")
    with transaction.atomic():
        (locked,) = ledger.lock(account)
        entry = ledger.append(
            locked,
            kind=EntryKind.SPEND,
            amount=-hours,
            actor=actor,
            memo=service,
            rule="time_bank:service",
        )
        audit.record(actor, "points.spend_time", entry, hours=str(hours))
    account.refresh_from_db()
    return entry
