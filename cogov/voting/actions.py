"""Writes of voting. Every one: keyword-only `actor`, permission check, one transaction, an
event or audit row. Other apps (consultation meetings, participatory budgeting, the joint party
committee) call these functions; nothing else writes votes or ballots.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from cogov.core import audit
from cogov.core.errors import ActionError, NotAllowed
from cogov.core.notifications import notify
from cogov.core.workflow import transition

from . import ballots, electorates, integrity, rulesets
from .models import (
    TRANSITIONS,
    Ballot,
    BallotKind,
    Channel,
    Elector,
    ElectorAccount,
    ElectorateKind,
    Matter,
    Mode,
    Participation,
    Status,
    Vote,
    VoteEvent,
    VotingCode,
)
from .tally import tally

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand
CODE_LENGTH = 12  # 60 bits


def _require(actor: Any, perm: str, obj: Any, message: str) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(perm, obj):
        raise NotAllowed(message)


def create_vote(
    *,
    actor: Any,
    node: Any,
    title: str,
    electorate: str,
    rule: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime | None = None,
    ballot_kind: str = BallotKind.YES_NO,
    options: Iterable[Any] = (),
    secret: bool = True,
    mode: str = Mode.WRITTEN,
    matter: str = Matter.ORDINARY,
    organization: Any = None,
    description: str = "",
    budget_limit: Any = None,
) -> Vote:
    """Draft a vote in a community. Who may: staff who organise votes there
    (`voting.organize_vote`). Options are "key" strings or {"key", "label"} dicts; a budget
    ballot's options are {"key", "label", "cost"} and it needs `budget_limit`."""
    _require(actor, "voting.organize_vote", node, "you may not organise votes here")
    title = (title or "").strip()
    if not title:
        raise ActionError(_("A vote needs a question."), field="title")
    if electorate not in ElectorateKind.values:
        raise ActionError(f"unknown electorate {electorate!r}", field="electorate")
    try:
        rulesets.get(rule)
    except KeyError:
        raise ActionError(f"unknown rule {rule!r}", field="rule") from None
    if ballot_kind not in BallotKind.values:
        raise ActionError(f"unknown ballot kind {ballot_kind!r}", field="ballot_kind")
    if mode not in Mode.values:
        raise ActionError(f"unknown mode {mode!r}", field="mode")
    if matter not in Matter.values:
        raise ActionError(f"unknown matter {matter!r}", field="matter")
    if electorate in (ElectorateKind.PARTY_MEMBERS, ElectorateKind.BODY) and organization is None:
        raise ActionError(_("Name the branch or body whose members vote."), field="organization")
    if rule == "owners_joint" and electorate != ElectorateKind.OWNERS:
        raise ActionError(_("Owners' joint decisions are voted by owners."), field="electorate")
    if closes_at is not None and closes_at <= opens_at:
        raise ActionError(_("A vote must close after it opens."), field="closes_at")
    clean: list[dict[str, str]] = []
    options = list(options)
    for option in options:
        if isinstance(option, dict):
            key, label = str(option.get("key", "")).strip(), str(option.get("label", "")).strip()
        else:
            key, label = str(option).strip(), str(option).strip()
        if not key or key in {o["key"] for o in clean}:
            raise ActionError(_("Each option needs its own key."), field="options")
        clean.append({"key": key, "label": label or key})
    if ballot_kind == BallotKind.YES_NO:
        clean = []
    elif len(clean) < 2:
        raise ActionError(_("A choice needs at least two options."), field="options")
    limit = None
    if ballot_kind == BallotKind.BUDGET:
        limit = ballots.clean_budget_options(clean, options, budget_limit)
    with transaction.atomic():
        vote = Vote.objects.create(
            node=node,
            organization=organization,
            title=title,
            description=description,
            electorate=electorate,
            rule=rule,
            matter=matter,
            ballot_kind=ballot_kind,
            options=clean,
            budget_limit=limit,
            secret=secret,
            mode=mode,
            opens_at=opens_at,
            closes_at=closes_at,
            created_by=actor,
        )
        VoteEvent.objects.create(subject=vote, actor=actor, to_status=Status.DRAFT)
    return vote


def open_vote(*, actor: Any, vote: Vote) -> Vote:
    """Open a draft vote: freeze the rule in force at the vote's node on the DATE it opens
    (local date of `opens_at`), snapshot the electorate, and notify the electors with accounts.
    """
    _require(actor, "voting.organize_vote", vote, "you may not open this vote")
    on = timezone.localdate(vote.opens_at)
    with transaction.atomic():
        vote = Vote.objects.select_for_update().get(pk=vote.pk)
        TRANSITIONS.check(vote.status, Status.OPEN)
        rule = rulesets.snapshot(vote.rule, vote.node, on, vote.matter)
        drafts = electorates.build(vote, on, rule)
        if not drafts:
            raise ActionError(_("The electorate is empty."), field="electorate")
        electors = Elector.objects.bulk_create(
            [
                Elector(
                    vote=vote,
                    key=d.key,
                    label=d.label[:200],
                    person_id=d.person_id,
                    household_id=d.household_id,
                    heads=d.heads,
                    area=d.area if rule["weighted"] else Decimal(0),
                    units=d.units,
                )
                for d in drafts
            ]
        )
        if any(e.pk is None for e in electors):  # backends without RETURNING
            by_key = dict(Elector.objects.filter(vote=vote).values_list("key", "pk"))
            for e in electors:
                e.pk = by_key[e.key]
        ElectorAccount.objects.bulk_create(
            [
                ElectorAccount(vote=vote, elector_id=e.pk, user_id=uid)
                for e, d in zip(electors, drafts, strict=True)
                for uid in sorted(d.accounts)
            ]
        )
        heads = sum(d.heads for d in drafts)
        area = sum((d.area for d in drafts), Decimal(0)) if rule["weighted"] else Decimal(0)
        transition(
            vote,
            Status.OPEN,
            table=TRANSITIONS,
            events=VoteEvent,
            actor=actor,
            evidence={
                "vote_date": on.isoformat(),
                "rule": rule,
                "entitled_heads": heads,
                "entitled_area": f"{area:.2f}",
            },
            extra_updates={
                "vote_date": on,
                "rule_snapshot": rule,
                "entitled_heads": heads,
                "entitled_area": area,
            },
        )
        from django.contrib.auth import get_user_model

        recipients = get_user_model().objects.filter(
            pk__in=ElectorAccount.objects.filter(vote=vote).values("user_id")
        )
        notify(
            recipients,
            "voting.opened",
            _("Vote open: %(title)s") % {"title": vote.title},
            url=f"/voting/{vote.uuid}/",
        )
    return vote


def close_vote(*, actor: Any, vote: Vote) -> Vote:
    """Stop accepting ballots and publish the digest of the ballot log in the close event."""
    _require(actor, "voting.organize_vote", vote, "you may not close this vote")
    with transaction.atomic():
        vote = Vote.objects.select_for_update().get(pk=vote.pk)
        value = integrity.digest(str(vote.uuid), vote.ballot_count, vote.head_hash)
        transition(
            vote,
            Status.CLOSED,
            table=TRANSITIONS,
            events=VoteEvent,
            actor=actor,
            evidence={"digest": value, "ballots": vote.ballot_count, "head": vote.head_hash},
            extra_updates={"digest": value},
        )
    return vote


def tally_vote(*, actor: Any, vote: Vote) -> Vote:
    """Count a closed vote after checking its ballot log; store and publish the result."""
    _require(actor, "voting.organize_vote", vote, "you may not tally this vote")
    with transaction.atomic():
        vote = Vote.objects.select_for_update().get(pk=vote.pk)
        TRANSITIONS.check(vote.status, Status.TALLIED)
        report = integrity.verify(vote)
        if not report.ok:
            raise ActionError("; ".join(report.problems), code="tampered")
        result = tally(vote).to_dict()
        transition(
            vote,
            Status.TALLIED,
            table=TRANSITIONS,
            events=VoteEvent,
            actor=actor,
            note=result["summary"],
            evidence={"outcome": result["outcome"], "digest": vote.digest},
            extra_updates={"result": result},
        )
    return vote


def cancel_vote(*, actor: Any, vote: Vote, note: str = "") -> Vote:
    _require(actor, "voting.organize_vote", vote, "you may not cancel this vote")
    if not note.strip():
        raise ActionError(_("Say why the vote is cancelled."), field="note")
    with transaction.atomic():
        transition(
            vote, Status.CANCELLED, table=TRANSITIONS, events=VoteEvent, actor=actor, note=note
        )
    return vote


def normalise_choice(vote: Vote, choice: Any) -> list[str]:
    """The ballot content as a list of option keys, or ActionError."""
    if isinstance(choice, str):
        choice = [choice]
    picked = [str(c) for c in (choice or [])]
    keys = vote.option_keys()
    unknown = [c for c in picked if c not in keys]
    if unknown:
        raise ActionError(f"unknown option {unknown[0]!r}", field="choice")
    if len(set(picked)) != len(picked):
        raise ActionError(_("An option is chosen twice."), field="choice")
    if vote.ballot_kind in (BallotKind.YES_NO, BallotKind.SINGLE) and len(picked) != 1:
        raise ActionError(_("Choose exactly one option."), field="choice")
    if vote.ballot_kind == BallotKind.RANKED and not picked:
        raise ActionError(_("Rank at least one option."), field="choice")
    ballots.check(vote, picked)
    return picked


def _append(
    vote: Vote,
    elector: Elector,
    choice: list[str],
    *,
    channel: str,
    cast_by: Any,
    document_ref: str = "",
) -> Ballot:
    """Record one ballot, chained after the log's head, and one participation.

    The vote row is locked so that chain entries are appended one at a time; the unique
    constraint on (vote, elector) is what guarantees one ballot per voter under any
    concurrency (a duplicate rolls the whole transaction back, ballot included). In a secret
    vote the participation carries no ballot link and no time."""
    try:
        with transaction.atomic():
            locked = Vote.objects.select_for_update().get(pk=vote.pk)
            if not locked.is_open():
                raise ActionError(_("This vote is not open."), code="not_open")
            seq = locked.ballot_count + 1
            ballot = Ballot(
                vote=locked,
                seq=seq,
                choice=choice,
                heads=elector.heads,
                area=elector.area,
                prev_hash=locked.head_hash,
            )
            ballot.hash = integrity.entry_hash(
                vote=str(locked.uuid),
                seq=seq,
                ballot=str(ballot.id),
                choice=choice,
                heads=ballot.heads,
                area=ballot.area,
                prev=locked.head_hash,
            )
            ballot.save()
            participation = Participation(
                vote=locked,
                elector=elector,
                channel=channel,
                cast_by=cast_by if getattr(cast_by, "pk", None) else None,
                document_ref=document_ref,
            )
            if not locked.secret:
                participation.ballot = ballot
                participation.at = timezone.now()
                participation.on = timezone.localdate()
            participation.save()
            Vote.objects.filter(pk=locked.pk).update(
                ballot_count=F("ballot_count") + 1, head_hash=ballot.hash
            )
    except IntegrityError:
        raise ActionError(_("This voter has already voted."), code="already_voted") from None
    return ballot


def cast_ballot(*, actor: Any, vote: Vote, choice: Any, elector: Elector | None = None) -> Ballot:
    """A verified elector casts their ballot online. The elector is found from the snapshot
    (pass it when an account speaks for several). The account is checked again against
    `cogov.people.selectors` (verified resident / owner) at the time of casting."""
    _require(actor, "voting.cast_ballot", vote, "you are not an elector of this vote")
    links = ElectorAccount.objects.filter(vote=vote, user=actor).select_related(
        "elector__person", "elector__household"
    )
    if elector is not None:
        links = links.filter(elector=elector)
    found = [link.elector for link in links]
    if not found:
        raise NotAllowed("you are not an elector of this vote")
    if len(found) > 1:
        raise ActionError(_("Say for which elector you vote."), field="elector")
    chosen = found[0]
    if not electorates.account_may_cast(vote, actor, chosen):
        raise NotAllowed("only verified accounts may vote online")
    return _cast(vote, chosen, normalise_choice(vote, choice), Channel.ONLINE, actor)


def _cast(
    vote: Vote,
    elector: Elector,
    choice: list[str],
    channel: str,
    actor: Any,
    document_ref: str = "",
) -> Ballot:
    return _append(vote, elector, choice, channel=channel, cast_by=actor, document_ref=document_ref)


def record_ballot(
    *,
    actor: Any,
    vote: Vote,
    elector: Elector,
    choice: Any,
    channel: str = Channel.PAPER,
    document_ref: str = "",
) -> Ballot:
    """Staff enter a paper ballot, or a ballot cast by proxy, for an elector of the snapshot.
    A proxy ballot needs the reference of the written authorisation."""
    _require(actor, "voting.record_ballot", vote, "you may not record ballots for this vote")
    if channel not in (Channel.PAPER, Channel.PROXY):
        raise ActionError(f"unknown channel {channel!r}", field="channel")
    if elector.vote_id != vote.pk:
        raise ActionError(_("This elector belongs to another vote."), field="elector")
    document_ref = (document_ref or "").strip()
    if channel == Channel.PROXY and not document_ref:
        raise ActionError(
            _("A proxy ballot needs the reference of the written authorisation."),
            field="document_ref",
        )
    picked = normalise_choice(vote, choice)
    with transaction.atomic():
        ballot = _cast(vote, elector, picked, channel, actor, document_ref)
        if not vote.secret:
            # Open votes only: a timed audit row naming the elector, next to a ballot log in
            # casting order, would link a secret voter to a choice. The participation row keeps
            # who entered it (`cast_by`) and the proxy reference.
            audit.record(
                actor,
                f"voting.{channel}_ballot",
                vote,
                elector=elector.key,
                document_ref=document_ref,
            )
    return ballot


def _code_hash(vote: Vote, code: str) -> str:
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return salted_hmac("cogov.voting.code", f"{vote.uuid}:{normalised}").hexdigest()


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def issue_codes(
    *, actor: Any, vote: Vote, electors: Iterable[Elector] | None = None
) -> list[tuple[Elector, str]]:
    """Issue one-time codes (for electors without phones). The clear codes are returned once,
    for the printed sheet; only their HMAC is stored. Issuing again revokes the old code.
    Default: every elector of the snapshot without an online account and without a ballot."""
    _require(actor, "voting.organize_vote", vote, "you may not issue codes for this vote")
    if vote.status not in (Status.OPEN,):
        raise ActionError(_("Codes are issued for an open vote."), code="not_open")
    voted = Participation.objects.filter(vote=vote).values("elector_id")
    if electors is None:
        qs = Elector.objects.filter(vote=vote).exclude(pk__in=voted)
        qs = qs.exclude(pk__in=ElectorAccount.objects.filter(vote=vote).values("elector_id"))
        targets = list(qs.order_by("label", "pk"))
    else:
        targets = [e for e in electors if e.vote_id == vote.pk]
    issued: list[tuple[Elector, str]] = []
    now = timezone.now()
    with transaction.atomic():
        VotingCode.objects.filter(
            vote=vote, elector__in=targets, revoked_at__isnull=True, used_on__isnull=True
        ).update(revoked_at=now)
        rows = []
        for elector in targets:
            code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
            rows.append(
                VotingCode(
                    vote=vote,
                    elector=elector,
                    code_hash=_code_hash(vote, code),
                    issued_by=actor,
                    issued_at=now,
                )
            )
            issued.append((elector, format_code(code)))
        VotingCode.objects.bulk_create(rows)
        audit.record(actor, "voting.codes_issued", vote, count=len(rows))
    return issued


def cast_with_code(*, actor: Any, vote: Vote, code: str, choice: Any) -> Ballot:
    """Cast the ballot of the elector a one-time code was printed for. The code is the
    credential (no account needed: a kiosk, or staff beside the resident); it works once."""
    picked = normalise_choice(vote, choice)
    with transaction.atomic():
        row = (
            VotingCode.objects.select_related("elector")
            .filter(vote=vote, code_hash=_code_hash(vote, code), revoked_at__isnull=True)
            .first()
        )
        if row is None:
            raise ActionError(_("This code is not valid for this vote."), field="code")
        used = VotingCode.objects.filter(pk=row.pk, used_on__isnull=True).update(
            used_on=timezone.localdate()
        )
        if not used:
            raise ActionError(_("This code has already been used."), field="code", code="used")
        return _cast(vote, row.elector, picked, Channel.CODE, actor)
