"""Writes of the people app: the roster, reveals of personal information, verification of
residents and owners, and proxy authorisations.

Every function takes a keyword-only `actor`, checks the named permission, runs in one
transaction and leaves a trace: an AuditLog row (roster changes, reveals, proxies) or a
VerificationEvent (verifications). Identity and phone numbers never appear in a trace.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cogov.accounts.predicates import covers, node_of
from cogov.accounts.roles import VERIFY
from cogov.accounts.scopes import forget, reach
from cogov.core import deadlines
from cogov.core.audit import record
from cogov.core.calendar import due_after
from cogov.core.errors import ActionError, NotAllowed
from cogov.core.models import Deadline
from cogov.core.notifications import notify
from cogov.core.policies import get_policy
from cogov.core.workflow import TransitionTable, transition
from cogov.lib import idnumber
from cogov.territory.models import Household, Level, PropertyUnit

from .models import (
    Gender,
    Ownership,
    Person,
    ProxyAuthorization,
    Tag,
    Verification,
    VerificationEvent,
    VerificationKind,
    VerificationStatus,
)
from .search import index_text
from .selectors import is_verified_owner, is_verified_resident, roster_match

VERIFICATION_DEADLINE = "accounts.verification"

VERIFICATION_TRANSITIONS = TransitionTable(
    {
        VerificationStatus.PENDING: {
            VerificationStatus.CONFIRMED,
            VerificationStatus.REJECTED,
            VerificationStatus.WITHDRAWN,
        },
    }
)

PERSON_FIELDS = ("name", "gender", "birth_date", "id_number", "phone", "relation", "tags")


def _require(actor: Any, perm: str, obj: Any) -> None:
    if not actor.has_perm(perm, obj):
        raise NotAllowed(_("You may not do this."))


# The roster ------------------------------------------------------------------------------


def search_text_for(person: Person) -> str:
    """What the Chinese search indexes: the name and the address, never the numbers."""
    parts = [person.name]
    if person.household_id and person.household is not None:
        parts += [person.household.building.name, person.household.door]
    return index_text(parts)


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    cleaned = dict(values)
    if "name" in cleaned:
        cleaned["name"] = (cleaned["name"] or "").strip()
        if not cleaned["name"]:
            raise ActionError(_("A name is required."), field="name")
    if cleaned.get("id_number"):
        number = cleaned["id_number"].strip().upper()
        problem = idnumber.validate(number)
        if problem:
            raise ActionError(
                _("The identity number is not valid: %s") % problem, field="id_number"
            )
        cleaned["id_number"] = number
    elif "id_number" in cleaned:
        cleaned["id_number"] = None
    if "phone" in cleaned:
        cleaned["phone"] = (cleaned["phone"] or "").strip()
    if cleaned.get("gender") and cleaned["gender"] not in Gender.values:
        raise ActionError(_("Unknown gender."), field="gender")
    if "tags" in cleaned:
        tags = list(dict.fromkeys(cleaned["tags"] or []))
        unknown = [t for t in tags if t not in Tag.values]
        if unknown:
            raise ActionError(_("Unknown tag: %s") % ", ".join(unknown), field="tags")
        cleaned["tags"] = tags
    return cleaned


def _save_person(person: Person) -> None:
    person.search_text = search_text_for(person)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        # The only unique column a user can collide with; the number itself is not echoed.
        raise ActionError(
            _("A resident with this identity number is already registered."), field="id_number"
        ) from None


def create_person(
    *, actor: Any, name: str, household: Household | None = None, grid: Any = None, **fields: Any
) -> Person:
    """Add a resident to the roster, in a household (whose grid they take) or directly in a grid.

    Fields: gender, birth_date, id_number, phone, relation, tags.
    """
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if household is not None:
        grid = household.building.grid
    if grid is None:
        raise ActionError(_("Choose a household or a grid."), field="household")
    _require(actor, "people.manage_person", grid)
    values = _clean({"name": name, **fields})
    with transaction.atomic():
        person = Person(household=household, grid=grid, **values)
        _save_person(person)
        record(actor, "person.create", person, fields=sorted(values))
    return person


def update_person(*, actor: Any, person: Person, **changes: Any) -> Person:
    """Change roster fields of a resident. The audit row names the fields, not the values."""
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    _require(actor, "people.manage_person", person)
    values = _clean(changes)
    changed = sorted(k for k, v in values.items() if getattr(person, k) != v)
    if not changed:
        return person
    with transaction.atomic():
        for key in changed:
            setattr(person, key, values[key])
        _save_person(person)
        record(actor, "person.update", person, fields=changed)
    return person


def move_person(*, actor: Any, person: Person, household: Household | None) -> Person:
    """Move a resident to another household (None: out of every household, staying in the grid).

    The actor needs the permission over both the old and the new place."""
    _require(actor, "people.manage_person", person)
    if household is not None:
        _require(actor, "people.manage_person", household)
    if household is not None and household.pk == person.household_id:
        return person
    old = person.household_id
    with transaction.atomic():
        person.household = household
        if household is not None:
            person.grid = household.building.grid
        _save_person(person)
        record(actor, "person.move", person, from_household=old, to_household=person.household_id)
    return person


def _place(person: Person, household: Household) -> None:
    """Put a person in a household without a permission check (the caller checked)."""
    person.household = household
    person.grid = household.building.grid
    _save_person(person)


# Personal information --------------------------------------------------------------------


def reveal_pii(*, actor: Any, person: Person) -> dict[str, str]:
    """The clear identity and phone numbers of a resident, for roles that need them.

    Every reveal is logged ("pii.reveal", with the fields revealed, never their values)."""
    _require(actor, "people.reveal_pii", person)
    with transaction.atomic():
        record(actor, "pii.reveal", person, fields=["id_number", "phone"])
    return {"id_number": person.id_number or "", "phone": person.phone}


# Verification ----------------------------------------------------------------------------


def _target(verification: Verification) -> Household | PropertyUnit:
    target = (
        verification.household
        if verification.kind == VerificationKind.RESIDENT
        else verification.unit
    )
    assert target is not None
    return target


def _community_of(target: Household | PropertyUnit) -> Any:
    grid = target.building.grid
    return grid.ancestor_of_level(Level.COMMUNITY) or grid


def _link(verification: Verification, person: Person) -> None:
    """Link the claimant's account to the person and record what the claim proved."""
    user = verification.user
    if person.user_id and person.user_id != user.pk:
        raise ActionError(_("This resident is already linked to another account."), field="person")
    other = Person.objects.filter(user=user).exclude(pk=person.pk).first()
    if other is not None:
        raise ActionError(_("This account is already linked to another resident."), field="person")
    if verification.kind == VerificationKind.RESIDENT:
        assert verification.household is not None
        if person.household_id != verification.household_id:
            _place(person, verification.household)
    else:
        Ownership.objects.get_or_create(person=person, unit=verification.unit, until=None)
    if person.user_id != user.pk:
        Person.objects.filter(pk=person.pk).update(user=user)
        person.user = user
    forget(user)


def _notify_decision(verification: Verification) -> None:
    target = str(_target(verification))
    if verification.status == VerificationStatus.CONFIRMED:
        title = _("Your claim for %s is confirmed") % target
    else:
        title = _("Your claim for %s was not confirmed") % target
    note = verification.events.order_by("-at", "-pk").values_list("note", flat=True).first() or ""
    notify([verification.user], f"accounts.verification_{verification.status}", title, note)


def request_verification(
    *,
    actor: Any,
    kind: str,
    household: Household | None = None,
    unit: PropertyUnit | None = None,
    claimed_name: str,
    claimed_id_number: str,
) -> Verification:
    """A user claims to be a resident of `household` or the owner of `unit`.

    When the roster already lists a person with that name and identity number there and the
    `accounts.roster_match` policy says so (off by default: a name and an identity number are
    not secrets), the claim is confirmed at once (method "roster"); otherwise it waits for
    staff, who see the match, with a deadline of `accounts.verification_deadline` working days.
    """
    if not getattr(actor, "is_authenticated", False):
        raise NotAllowed(_("Sign in first."))
    if kind == VerificationKind.RESIDENT:
        if household is None or unit is not None:
            raise ActionError(_("Choose the household."), field="household")
        target: Household | PropertyUnit = household
    elif kind == VerificationKind.OWNER:
        if unit is None or household is not None:
            raise ActionError(_("Choose the property unit."), field="unit")
        target = unit
    else:
        raise ActionError(_("Unknown kind of verification."), field="kind")
    name = (claimed_name or "").strip()
    if not name:
        raise ActionError(_("A name is required."), field="claimed_name")
    number = (claimed_id_number or "").strip().upper()
    problem = idnumber.validate(number)
    if problem:
        raise ActionError(
            _("The identity number is not valid: %s") % problem, field="claimed_id_number"
        )
    if kind == VerificationKind.RESIDENT and is_verified_resident(actor, target):
        raise ActionError(
            _("You are already a verified resident of this household."), field="household"
        )
    if kind == VerificationKind.OWNER and is_verified_owner(actor, target):
        raise ActionError(_("You are already a verified owner of this unit."), field="unit")
    if (
        Verification.objects.pending()
        .filter(user=actor, kind=kind, household=household, unit=unit)
        .exists()
    ):
        raise ActionError(_("You already have a pending claim for this."), field=kind_field(kind))

    with transaction.atomic():
        verification = Verification.objects.create(
            user=actor,
            kind=kind,
            household=household,
            unit=unit,
            claimed_name=name,
            claimed_id_number=number,
        )
        VerificationEvent.objects.create(
            subject=verification, actor=actor, from_status="", to_status=VerificationStatus.PENDING
        )
        match = roster_match(kind, target, name, number)
        community = _community_of(target)
        if (
            match is not None
            and get_policy("accounts.roster_match", community).confirm_at_once
            and match.user_id in (None, actor.pk)
            and not Person.objects.filter(user=actor).exclude(pk=match.pk).exists()
        ):
            _link(verification, match)
            transition(
                verification,
                VerificationStatus.CONFIRMED,
                table=VERIFICATION_TRANSITIONS,
                events=VerificationEvent,
                actor=None,
                note="roster match",
                extra_updates={"person": match, "method": "roster"},
            )
            _notify_decision(verification)
        else:
            working_days = get_policy("accounts.verification_deadline", community).working_days
            deadlines.schedule(
                verification,
                VERIFICATION_DEADLINE,
                due_after(timezone.now(), working_days=working_days, node=community),
                node=community,
            )
    return verification


def kind_field(kind: str) -> str:
    return "unit" if kind == VerificationKind.OWNER else "household"


def confirm_verification(
    *, actor: Any, verification: Verification, person: Person | None = None, note: str = ""
) -> Verification:
    """Staff confirm a pending claim. The account is linked to `person` (or, when not given, to
    the claimant's existing resident record, the roster record with that identity number, or a
    new roster record made from the claim); owners get an Ownership of the unit."""
    _require(actor, "people.verify", verification)
    target = _target(verification)
    if person is not None and not actor.has_perm("people.view_person", person):
        raise ActionError(_("Choose a resident you can see."), field="person")
    with transaction.atomic():
        if person is None:
            person = (
                Person.objects.filter(user=verification.user).first()
                or Person.objects.filter(id_number=verification.claimed_id_number).first()
            )
        if person is None:
            person = Person(
                name=verification.claimed_name,
                id_number=verification.claimed_id_number,
                grid=target.building.grid,
                household=verification.household
                if verification.kind == VerificationKind.RESIDENT
                else None,
            )
            _save_person(person)
            record(
                actor, "person.create", person, fields=["name", "id_number"], source="verification"
            )
        _link(verification, person)
        transition(
            verification,
            VerificationStatus.CONFIRMED,
            table=VERIFICATION_TRANSITIONS,
            events=VerificationEvent,
            actor=actor,
            note=note,
            extra_updates={"person": person, "method": "staff"},
        )
        deadlines.meet(verification, VERIFICATION_DEADLINE)
        _notify_decision(verification)
    return verification


def reject_verification(*, actor: Any, verification: Verification, reason: str) -> Verification:
    """Staff reject a pending claim; the reason is required and is sent to the claimant."""
    _require(actor, "people.verify", verification)
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(_("Give the reason for the rejection."), field="reason")
    with transaction.atomic():
        transition(
            verification,
            VerificationStatus.REJECTED,
            table=VERIFICATION_TRANSITIONS,
            events=VerificationEvent,
            actor=actor,
            note=reason,
        )
        deadlines.meet(verification, VERIFICATION_DEADLINE)
        _notify_decision(verification)
    return verification


def withdraw_verification(*, actor: Any, verification: Verification) -> Verification:
    """The claimant withdraws a pending claim."""
    if verification.user_id != actor.pk:
        raise NotAllowed(_("Only the claimant may withdraw a claim."))
    with transaction.atomic():
        transition(
            verification,
            VerificationStatus.WITHDRAWN,
            table=VERIFICATION_TRANSITIONS,
            events=VerificationEvent,
            actor=actor,
        )
        deadlines.cancel(verification, VERIFICATION_DEADLINE)
    return verification


@deadlines.on_breach(VERIFICATION_DEADLINE)
def _remind_community_workers(deadline: Deadline) -> None:
    """A claim waited too long: tell the community workers of its community."""
    from cogov.accounts.models import User

    if deadline.node_id is None:
        return
    workers = User.objects.filter(
        is_active=True,
        memberships__in=_current_memberships(role="community_worker", node_id=deadline.node_id),
    ).distinct()
    verification = Verification.objects.filter(pk=deadline.object_id).first()
    if verification is None or verification.status != VerificationStatus.PENDING:
        return
    notify(
        list(workers),
        "accounts.verification_overdue",
        _("A resident's claim for %s is waiting past its deadline") % _target(verification),
    )


def _current_memberships(**filters: Any) -> Any:
    from cogov.accounts.models import Membership

    return Membership.objects.current().filter(**filters)


# Proxy authorisations --------------------------------------------------------------------


def record_proxy_authorization(
    *,
    actor: Any,
    person: Person,
    agent: Any,
    scope: str,
    document_ref: str,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    document: Any = None,
) -> ProxyAuthorization:
    """Record a resident's written authorisation for a staff member to act for them.

    The agent must be staff who can verify residents of the person's grid; the reference of the
    written authorisation is required."""
    _require(actor, "people.record_proxy", person)
    document_ref = (document_ref or "").strip()
    if not document_ref:
        raise ActionError(
            _("The reference of the written authorisation is required."), field="document_ref"
        )
    scope = (scope or "").strip()
    if not scope:
        raise ActionError(_("Say what the agent may do."), field="scope")
    if not covers(reach(agent), VERIFY, node_of(person)):
        raise ActionError(_("The agent must be staff serving this resident's grid."), field="agent")
    valid_from = valid_from or timezone.localdate()
    if valid_to is not None and valid_to < valid_from:
        raise ActionError(_("The end date is before the start date."), field="valid_to")
    with transaction.atomic():
        proxy = ProxyAuthorization.objects.create(
            person=person,
            agent=agent,
            scope=scope,
            document_ref=document_ref,
            valid_from=valid_from,
            valid_to=valid_to,
            recorded_by=actor,
            **({"document": document} if document is not None else {}),
        )
        record(actor, "proxy.record", proxy, agent=agent.pk, document_ref=document_ref)
        notify([agent], "people.proxy_recorded", _("You may now act for %s") % person.name)
    return proxy


def revoke_proxy_authorization(
    *, actor: Any, proxy: ProxyAuthorization, document_ref: str, reason: str = ""
) -> ProxyAuthorization:
    """End a proxy authorisation, citing the written revocation (or the resident's request)."""
    _require(actor, "people.record_proxy", proxy.person)
    document_ref = (document_ref or "").strip()
    if not document_ref:
        raise ActionError(
            _("The reference of the written revocation is required."), field="document_ref"
        )
    if proxy.revoked_at is not None:
        raise ActionError(_("This authorisation is already revoked."))
    with transaction.atomic():
        now = timezone.now()
        ProxyAuthorization.objects.filter(pk=proxy.pk).update(revoked_at=now)
        proxy.revoked_at = now
        record(actor, "proxy.revoke", proxy, document_ref=document_ref, reason=reason)
        notify(
            [proxy.agent],
            "people.proxy_revoked",
            _("You may no longer act for %s") % proxy.person.name,
        )
    return proxy
