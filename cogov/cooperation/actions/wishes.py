"""Micro-wishes (微心愿): submitted by or for a resident in need, verified by a home visit,
published under a pseudonym, claimed one to one with a lock that times out, delivered with
evidence, acknowledged by the beneficiary.

The claim: `WishLock` has one row per published wish. Claiming is one conditional UPDATE
("holder is null, or the hold has expired" → me, expires_at = now + claim_hours): of two
claimants at the same moment exactly one UPDATE matches the row; the other is told. A hold
that expires returns the wish to the list lazily (the list and the claim treat an expired
hold as free) and for good through the core deadline sweep ("cooperation.wish_claim"), which
writes the release event; `release_expired_claims(now)` does the same on demand.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cogov.core import audit, deadlines
from cogov.core.calendar import Due
from cogov.core.errors import ActionError, NotAllowed
from cogov.core.models import Deadline
from cogov.core.notifications import notify
from cogov.core.policies import get_policy
from cogov.core.workflow import transition

from .. import access
from ..models import WISH_TRANSITIONS, Wish, WishEvent, WishLock, WishStatus
from .common import community_of, require, staff_of

S = WishStatus
DEADLINE_KIND = "cooperation.wish_claim"


def _move(wish: Wish, to: str, actor: Any, note: str = "", **kw: Any) -> None:
    transition(wish, to, table=WISH_TRANSITIONS, events=WishEvent, actor=actor, note=note, **kw)


def pseudonym_for(person: Any) -> str:
    """The family name and a placeholder ("王**"): enough for a claimant to address a card,
    not enough to find the person."""
    name = (person.name or "").strip()
    return f"{name[:1]}**" if name else "**"


def submit_wish(
    *,
    actor: Any,
    beneficiary: Any,
    title: str,
    value: Any,
    description: str = "",
) -> Wish:
    """A resident submits their own wish, or staff (grid worker, community worker) submit one
    for a resident in need. The value must not exceed the community's cap
    (`cooperation.micro_wishes`)."""
    if beneficiary.grid_id is None:
        raise ActionError(_("The beneficiary has no registered household."), field="beneficiary")
    grid = beneficiary.grid
    community = community_of(grid)
    own = beneficiary.user_id is not None and beneficiary.user_id == getattr(actor, "pk", None)
    if own:
        require(actor, "cooperation.submit_wish", community)
    else:
        require(actor, "cooperation.verify_wish", grid, "you may submit wishes only for yourself")
    if not (title or "").strip():
        raise ActionError(_("Say what is wished for."), field="title")
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ActionError(_("Give the value in yuan."), field="value") from None
    cap = get_policy("cooperation.micro_wishes", grid).value_cap
    if amount <= 0:
        raise ActionError(_("Give the value in yuan."), field="value")
    if amount > cap:
        raise ActionError(
            _("A micro-wish is worth at most %(cap)s yuan here.") % {"cap": cap},
            field="value",
            code="over_cap",
        )
    with transaction.atomic():
        wish = Wish.objects.create(
            community=community,
            grid=grid,
            territory_path=grid.path,
            beneficiary=beneficiary,
            pseudonym=pseudonym_for(beneficiary),
            title=title.strip()[:120],
            description=description,
            value=amount,
            submitted_by=actor,
        )
        WishEvent.objects.create(subject=wish, actor=actor, to_status=S.DRAFT)
        _move(wish, S.SUBMITTED, actor, evidence={"for_self": own})
        notify(
            staff_of(grid.path),
            "cooperation.wish_submitted",
            _("Micro-wish to verify: %(t)s") % {"t": wish.title},
            url=f"/cooperation/wishes/{wish.uuid}/",
        )
    return wish


def verify_wish(*, actor: Any, wish: Wish, approved: bool, visit_note: str) -> Wish:
    """Record the home visit (入户审核): VERIFIED, or REJECTED with the reason."""
    require(actor, "cooperation.verify_wish", wish)
    if not (visit_note or "").strip():
        raise ActionError(_("Describe the home visit."), field="visit_note")
    with transaction.atomic():
        _move(
            wish,
            S.VERIFIED if approved else S.REJECTED,
            actor,
            visit_note,
            extra_updates={"visit_note": visit_note},
        )
        if not approved:
            notify(
                [wish.submitted_by],
                "cooperation.wish_rejected",
                _("Micro-wish not approved: %(t)s") % {"t": wish.title},
            )
    return wish


def publish_wish(*, actor: Any, wish: Wish, pseudonym: str = "") -> Wish:
    """Publish a verified wish under its pseudonym, with a free claim lock."""
    require(actor, "cooperation.verify_wish", wish)
    with transaction.atomic():
        updates: dict[str, Any] = {"published_at": timezone.now()}
        if pseudonym.strip():
            updates["pseudonym"] = pseudonym.strip()[:40]
        _move(wish, S.PUBLISHED, actor, extra_updates=updates)
        WishLock.objects.update_or_create(
            wish=wish, defaults={"holder": None, "expires_at": None, "locked_at": None}
        )
    return wish


def claim_wish(
    *, actor: Any, wish: Wish, organization: Any = None, now: dt.datetime | None = None
) -> Wish:
    """Claim a published wish one to one. Exactly one of several simultaneous claimants wins;
    the others get ActionError(code="taken"). The hold lasts the policy's `claim_hours`."""
    require(actor, "cooperation.claim_wish", wish, "you may not claim this wish")
    if organization is not None and organization.pk not in access.organization_ids(actor):
        raise NotAllowed("you do not act for this organization")
    now = now or timezone.now()
    rules = get_policy("cooperation.micro_wishes", wish.community)
    held = WishLock.objects.filter(holder=actor, expires_at__gt=now, wish__status=S.CLAIMED).count()
    if held >= rules.open_claims_per_claimant:
        raise ActionError(
            _("You already hold %(n)s wishes; deliver them first.") % {"n": held}, code="too_many"
        )
    expires = now + dt.timedelta(hours=rules.claim_hours)
    with transaction.atomic():
        won = (
            WishLock.objects.filter(wish_id=wish.pk)
            .filter(Q(holder__isnull=True) | Q(expires_at__isnull=False, expires_at__lte=now))
            .update(
                holder=actor,
                organization=organization,
                locked_at=now,
                expires_at=expires,
                generation=F("generation") + 1,
            )
        )
        if won != 1:
            raise ActionError(_("Someone else has just claimed this wish."), code="taken")
        wish.refresh_from_db()
        if wish.status == S.CLAIMED:  # the previous hold expired and was not swept yet
            _release(wish, now)
        _move(
            wish,
            S.CLAIMED,
            actor,
            evidence={"expires_at": expires.isoformat()},
            extra_updates={
                "claimant": actor,
                "claimant_organization": organization,
                "claimed_at": now,
            },
        )
        lock = WishLock.objects.get(wish_id=wish.pk)
        deadlines.schedule(
            wish,
            DEADLINE_KIND,
            Due(at=expires, basis={"hours": rules.claim_hours, "generation": lock.generation}),
            node=wish.grid,
            start=now,
        )
        notify(
            staff_of(wish.territory_path),
            "cooperation.wish_claimed",
            _("Micro-wish claimed: %(t)s") % {"t": wish.title},
            url=f"/cooperation/wishes/{wish.uuid}/",
        )
    return wish


def _release(wish: Wish, now: dt.datetime, actor: Any = None, note: str = "") -> None:
    deadlines.cancel(wish, DEADLINE_KIND)
    _move(
        wish,
        S.PUBLISHED,
        actor,
        note or _("claim timed out"),
        evidence={"at": now.isoformat()},
        extra_updates={"claimant": None, "claimant_organization": None, "claimed_at": None},
    )


def release_wish(*, actor: Any, wish: Wish, note: str = "") -> Wish:
    """The claimant gives the wish back before the timeout."""
    now = timezone.now()
    with transaction.atomic():
        freed = WishLock.objects.filter(wish_id=wish.pk, holder=actor, expires_at__gt=now).update(
            holder=None, organization=None, expires_at=None, locked_at=None
        )
        if not freed:
            raise NotAllowed("you do not hold this wish")
        _release(wish, now, actor, note or _("released by the claimant"))
    return wish


def release_expired_claims(now: dt.datetime | None = None) -> int:
    """Return every wish whose hold has expired to the list (the eager half of the timeout;
    idempotent and safe on several workers: each release is a conditional UPDATE)."""
    now = now or timezone.now()
    released = 0
    for lock in WishLock.objects.filter(holder__isnull=False, expires_at__lte=now).select_related(
        "wish"
    ):
        released += _release_lock(lock, now)
    return released


def _release_lock(lock: WishLock, now: dt.datetime) -> int:
    with transaction.atomic():
        freed = WishLock.objects.filter(
            pk=lock.pk, generation=lock.generation, holder__isnull=False, expires_at__lte=now
        ).update(holder=None, organization=None, expires_at=None, locked_at=None)
        if not freed:
            return 0
        wish = Wish.objects.get(pk=lock.pk)
        if wish.status == S.CLAIMED:
            _release(wish, now)
            notify(
                staff_of(wish.territory_path),
                "cooperation.wish_released",
                _("Micro-wish back on the list: %(t)s") % {"t": wish.title},
            )
        return 1


@deadlines.on_breach(DEADLINE_KIND)
def _on_claim_breach(deadline: Deadline) -> None:
    lock = WishLock.objects.filter(pk=int(deadline.object_id)).first()
    if lock is not None and lock.generation == deadline.basis.get("generation"):
        _release_lock(lock, deadline.breached_at or timezone.now())


def fulfil_wish(
    *,
    actor: Any,
    wish: Wish,
    evidence: list[str] | str,
    note: str = "",
    now: dt.datetime | None = None,
) -> Wish:
    """The claimant delivers the gift, with evidence (photo references, a receipt): the hold
    becomes permanent. Refused if the hold has expired meanwhile."""
    now = now or timezone.now()
    proof = [evidence] if isinstance(evidence, str) else list(evidence)
    proof = [str(p).strip() for p in proof if str(p).strip()]
    if not proof:
        raise ActionError(_("Add evidence of the delivery."), field="evidence")
    with transaction.atomic():
        kept = WishLock.objects.filter(wish_id=wish.pk, holder=actor, expires_at__gt=now).update(
            expires_at=None
        )
        if not kept:
            raise NotAllowed("your claim on this wish has expired or is not yours")
        _move(
            wish,
            S.FULFILLED,
            actor,
            note,
            evidence={"evidence": proof},
            extra_updates={"fulfilled_at": now, "evidence": proof},
        )
        deadlines.meet(wish, DEADLINE_KIND, at=now)
        recipients = [wish.beneficiary.user] if wish.beneficiary.user_id else []
        notify(
            [*recipients, wish.submitted_by],
            "cooperation.wish_fulfilled",
            _("Micro-wish delivered: %(t)s") % {"t": wish.title},
            url=f"/cooperation/wishes/{wish.uuid}/",
        )
    return wish


def acknowledge_wish(*, actor: Any, wish: Wish, note: str = "") -> Wish:
    """The beneficiary (or staff for a beneficiary without a phone) confirms receipt."""
    require(actor, "cooperation.acknowledge_wish", wish)
    with transaction.atomic():
        _move(wish, S.ACKNOWLEDGED, actor, note, extra_updates={"acknowledged_at": timezone.now()})
        if wish.claimant_id:
            notify(
                [wish.claimant],
                "cooperation.wish_acknowledged",
                _("Thank you: %(t)s was received") % {"t": wish.title},
            )
    return wish


def beneficiary_identity(*, actor: Any, wish: Wish) -> dict[str, str] | None:
    """The beneficiary's name, door and masked phone, for the claimant holding the lock and
    for staff; None for everyone else. Each showing is audited."""
    if not actor.has_perm("cooperation.see_beneficiary", wish):
        return None
    person = wish.beneficiary
    household = person.household
    shown = {
        "name": person.name,
        "address": str(household) if household is not None else "",
        "phone": person.masked_phone,
    }
    audit.record(actor, "cooperation.beneficiary_shown", wish, wish=str(wish.uuid))
    return shown
