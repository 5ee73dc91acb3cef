"""REST endpoints under /api/points/: accounts and their entries, activities (calendar, sign-up,
check-in and out, staff confirmation), the shop, the leaderboard, time bank, party records and
yearly scores, certificates, corrections.

Every lookup goes through visible_to(user): an invisible object answers 404 like a missing one;
an action refused answers 403, bad input 400 with {"detail", "field", "code"}.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError

from cogov.core.errors import ActionError, NotAllowed
from cogov.web.access import get_visible_or_404

from . import actions, selectors
from .models import (
    Account,
    Activity,
    Certificate,
    Entry,
    PartyRecord,
    Redemption,
    ShopItem,
    Signup,
)
from .predicates import person_of
from .scoring import yearly_score

router = Router(tags=["points"])


def _run(func: Callable[..., Any], out: Callable[[Any], Any], **kwargs: Any) -> Any:
    try:
        result = func(**kwargs)
    except NotAllowed as exc:
        return JsonResponse({"detail": exc.message, "code": exc.code}, status=403)
    except ActionError as exc:
        return JsonResponse(
            {"detail": exc.message, "field": exc.field, "code": exc.code}, status=400
        )
    return out(result)


def _account_out(a: Account) -> dict[str, Any]:
    return {
        "uuid": a.uuid,
        "kind": a.kind,
        "community": a.community.name,
        "balance": str(a.balance),
        "leaderboard_opt_in": a.leaderboard_opt_in,
    }


def _entry_out(e: Entry) -> dict[str, Any]:
    return {
        "uuid": e.uuid,
        "seq": e.seq,
        "kind": e.kind,
        "amount": str(e.amount),
        "balance_after": str(e.balance_after),
        "occurred_at": e.occurred_at,
        "memo": e.memo,
        "rule": e.rule,
        "reverses": e.reverses.uuid if e.reverses_id and e.reverses else None,
        "hash": e.hash,
    }


def _activity_out(a: Activity) -> dict[str, Any]:
    return {
        "uuid": a.uuid,
        "title": a.title,
        "activity_type": a.activity_type,
        "community": a.community.name,
        "organizer": a.organizer.name if a.organizer else None,
        "location": a.location,
        "starts_at": a.starts_at,
        "ends_at": a.ends_at,
        "capacity": a.capacity,
        "status": a.status,
        "confirmed": getattr(a, "n_confirmed", None),
        "waitlisted": getattr(a, "n_waitlisted", None),
    }


def _signup_out(s: Signup) -> dict[str, Any]:
    return {
        "uuid": s.uuid,
        "activity": s.activity.uuid,
        "person": s.person.name,
        "status": s.status,
        "checked_in_at": s.checked_in_at,
        "checked_out_at": s.checked_out_at,
        "hours": str(s.hours),
    }


def _item_out(i: ShopItem) -> dict[str, Any]:
    return {
        "uuid": i.uuid,
        "name": i.name,
        "price": str(i.price),
        "stock": i.stock,
        "active": i.active,
    }


def _redemption_out(r: Redemption) -> dict[str, Any]:
    return {"uuid": r.uuid, "item": r.item.name, "points": str(r.points), "status": r.status}


# accounts ---------------------------------------------------------------------------------


@router.get("/accounts")
def list_accounts(request: HttpRequest) -> Any:
    qs = Account.objects.visible_to(request.user).select_related("community").order_by("pk")[:200]
    return [_account_out(a) for a in qs]


@router.get("/accounts/{uuid}/entries")
def account_entries(request: HttpRequest, uuid: uuid_lib.UUID, before: int | None = None) -> Any:
    account = get_visible_or_404(Account.objects.all(), request.user, uuid=uuid)
    qs = account.entries.select_related("reverses").order_by("-seq")
    if before:
        qs = qs.filter(seq__lt=before)
    return [_entry_out(e) for e in qs[:100]]


class OptIn(Schema):
    opt_in: bool


@router.post("/accounts/{uuid}/leaderboard")
def opt_in(request: HttpRequest, uuid: uuid_lib.UUID, body: OptIn) -> Any:
    account = get_visible_or_404(
        Account.objects.select_related("community"), request.user, uuid=uuid
    )
    return _run(
        actions.set_leaderboard_opt_in,
        _account_out,
        actor=request.user,
        account=account,
        opt_in=body.opt_in,
    )


class Amount(Schema):
    amount: Decimal
    reason: str


@router.post("/accounts/{uuid}/adjust")
def adjust(request: HttpRequest, uuid: uuid_lib.UUID, body: Amount) -> Any:
    account = get_visible_or_404(
        Account.objects.select_related("community"), request.user, uuid=uuid
    )
    return _run(
        actions.adjust,
        _entry_out,
        actor=request.user,
        account=account,
        amount=body.amount,
        reason=body.reason,
    )


class Reason(Schema):
    reason: str = ""


@router.post("/entries/{uuid}/reverse")
def reverse(request: HttpRequest, uuid: uuid_lib.UUID, body: Reason) -> Any:
    entry = get_visible_or_404(
        Entry.objects.select_related("account__community"), request.user, uuid=uuid
    )
    return _run(
        actions.reverse_entry, _entry_out, actor=request.user, entry=entry, reason=body.reason
    )


# activities -------------------------------------------------------------------------------


@router.get("/activities")
def list_activities(request: HttpRequest, month: str | None = None) -> Any:
    year, mon = selectors.parse_month(month)
    return [_activity_out(a) for a in selectors.calendar(request.user, year, mon)]


class ActivityIn(Schema):
    community: uuid_lib.UUID
    organizer: uuid_lib.UUID | None = None
    title: str
    activity_type: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    location: str = ""
    description: str = ""


@router.post("/activities")
def create_activity(request: HttpRequest, body: ActivityIn) -> Any:
    from cogov.organizations.models import Organization
    from cogov.territory.models import Node

    community = get_visible_or_404(Node.objects.all(), request.user, uuid=body.community)
    organizer = None
    if body.organizer:
        organizer = Organization.objects.filter(uuid=body.organizer).first()
        if organizer is None:
            raise HttpError(400, "organizer: no such organization")
    return _run(
        actions.create_activity,
        _activity_out,
        actor=request.user,
        community=community,
        organizer=organizer,
        title=body.title,
        activity_type=body.activity_type,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        capacity=body.capacity,
        location=body.location,
        description=body.description,
    )


def _activity(request: HttpRequest, uuid: uuid_lib.UUID) -> Activity:
    qs = Activity.objects.select_related("community", "organizer")
    return get_visible_or_404(qs, request.user, uuid=uuid)


@router.get("/activities/{uuid}")
def activity_detail(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    activity = _activity(request, uuid)
    data = _activity_out(activity)
    mine = selectors.my_signup(request.user, activity)
    data["my_signup"] = _signup_out(mine) if mine else None
    if request.user.has_perm("points.manage_activity", activity):
        data["signups"] = [_signup_out(s) for s in selectors.roster(activity)]
    return data


@router.post("/activities/{uuid}/signup")
def sign_up(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    activity = _activity(request, uuid)
    return _run(actions.sign_up, _signup_out, actor=request.user, activity=activity)


@router.get("/activities/{uuid}/code")
def code(request: HttpRequest, uuid: uuid_lib.UUID, purpose: str = "in") -> Any:
    activity = _activity(request, uuid)
    if purpose not in {"in", "out"}:
        raise HttpError(400, "purpose: in or out")
    return _run(
        actions.current_code,
        lambda r: {"code": r[0], "seconds_left": r[1], "purpose": purpose},
        actor=request.user,
        activity=activity,
        purpose=purpose,
    )


def _signup(request: HttpRequest, uuid: uuid_lib.UUID) -> Signup:
    qs = Signup.objects.select_related("activity__community", "activity__organizer", "person")
    return get_visible_or_404(qs, request.user, uuid=uuid)


class CodeIn(Schema):
    code: str


@router.post("/signups/{uuid}/cancel")
def cancel_signup(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    signup = _signup(request, uuid)

    def out(promoted: Signup | None) -> Any:
        signup.refresh_from_db()
        return {**_signup_out(signup), "promoted": promoted.uuid if promoted else None}

    return _run(actions.cancel_signup, out, actor=request.user, signup=signup)


@router.post("/signups/{uuid}/check-in")
def check_in(request: HttpRequest, uuid: uuid_lib.UUID, body: CodeIn) -> Any:
    signup = _signup(request, uuid)
    return _run(actions.check_in, _signup_out, actor=request.user, signup=signup, code=body.code)


@router.post("/signups/{uuid}/check-out")
def check_out(request: HttpRequest, uuid: uuid_lib.UUID, body: CodeIn) -> Any:
    signup = _signup(request, uuid)
    return _run(actions.check_out, _signup_out, actor=request.user, signup=signup, code=body.code)


class ConfirmIn(Schema):
    hours: Decimal | None = None


@router.post("/signups/{uuid}/confirm")
def confirm(request: HttpRequest, uuid: uuid_lib.UUID, body: ConfirmIn) -> Any:
    signup = _signup(request, uuid)
    return _run(
        actions.confirm_attendance, _signup_out, actor=request.user, signup=signup, hours=body.hours
    )


@router.post("/signups/{uuid}/award")
def award(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    signup = _signup(request, uuid)
    if not request.user.has_perm("points.manage_activity", signup.activity):
        return JsonResponse({"detail": "you may not do this", "code": "forbidden"}, status=403)
    return _run(
        actions.award,
        lambda pair: {"entries": [e.uuid for e in pair if e is not None]},
        actor=request.user,
        signup=signup,
    )


# shop -------------------------------------------------------------------------------------


@router.get("/shop/items")
def items(request: HttpRequest) -> Any:
    qs = ShopItem.objects.visible_to(request.user).filter(active=True).order_by("name", "pk")[:200]
    return [_item_out(i) for i in qs]


class ItemIn(Schema):
    community: uuid_lib.UUID
    name: str
    price: Decimal
    stock: int
    description: str = ""


@router.post("/shop/items")
def create_item(request: HttpRequest, body: ItemIn) -> Any:
    from cogov.territory.models import Node

    community = get_visible_or_404(Node.objects.all(), request.user, uuid=body.community)
    return _run(
        actions.create_item,
        _item_out,
        actor=request.user,
        community=community,
        name=body.name,
        price=body.price,
        stock=body.stock,
        description=body.description,
    )


@router.post("/shop/items/{uuid}/redeem")
def redeem(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    item = get_visible_or_404(ShopItem.objects.select_related("community"), request.user, uuid=uuid)
    return _run(actions.redeem, _redemption_out, actor=request.user, item=item)


def _redemption(request: HttpRequest, uuid: uuid_lib.UUID) -> Redemption:
    qs = Redemption.objects.select_related("item__community", "account__person")
    return get_visible_or_404(qs, request.user, uuid=uuid)


@router.get("/shop/redemptions")
def redemptions(request: HttpRequest) -> Any:
    qs = Redemption.objects.visible_to(request.user).select_related("item").order_by("-pk")[:200]
    return [_redemption_out(r) for r in qs]


@router.post("/shop/redemptions/{uuid}/pickup")
def pickup(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    redemption = _redemption(request, uuid)
    return _run(actions.confirm_pickup, _redemption_out, actor=request.user, redemption=redemption)


@router.post("/shop/redemptions/{uuid}/cancel")
def cancel_redemption(request: HttpRequest, uuid: uuid_lib.UUID, body: Reason) -> Any:
    redemption = _redemption(request, uuid)
    return _run(
        actions.cancel_redemption,
        _redemption_out,
        actor=request.user,
        redemption=redemption,
        reason=body.reason,
    )


# leaderboard, time bank -------------------------------------------------------------------


@router.get("/leaderboard/{community}")
def leaderboard(request: HttpRequest, community: uuid_lib.UUID) -> Any:
    from cogov.territory.models import Node

    node = get_visible_or_404(Node.objects.all(), request.user, uuid=community)
    if not request.user.has_perm("points.view_leaderboard", node):
        raise HttpError(404, "Not found")
    return [
        {"rank": i + 1, "name": row.display_name, "balance": str(row.balance)}
        for i, row in enumerate(selectors.leaderboard(node))
    ]


class TransferIn(Schema):
    recipient: uuid_lib.UUID
    hours: Decimal
    key: str | None = None


@router.post("/accounts/{uuid}/transfer")
def transfer(request: HttpRequest, uuid: uuid_lib.UUID, body: TransferIn) -> Any:
    from cogov.people.models import Person

    source = get_visible_or_404(
        Account.objects.select_related("person", "community"), request.user, uuid=uuid
    )
    recipient = Person.objects.filter(uuid=body.recipient).first()
    if recipient is None:
        raise HttpError(400, "recipient: no such person")
    return _run(
        actions.transfer_time,
        lambda pair: {"out": _entry_out(pair[0]), "in": pair[1].uuid},
        actor=request.user,
        source=source,
        recipient=recipient,
        hours=body.hours,
        key=body.key,
    )


class SpendIn(Schema):
    hours: Decimal
    service: str


@router.post("/accounts/{uuid}/spend")
def spend(request: HttpRequest, uuid: uuid_lib.UUID, body: SpendIn) -> Any:
    account = get_visible_or_404(
        Account.objects.select_related("person", "community"), request.user, uuid=uuid
    )
    return _run(
        actions.spend_time,
        _entry_out,
        actor=request.user,
        account=account,
        hours=body.hours,
        service=body.service,
    )


# certificates -----------------------------------------------------------------------------


def _certificate_out(c: Certificate) -> dict[str, Any]:
    return {
        "uuid": c.uuid,
        "number": c.number,
        "volunteer": c.person.name,
        "id_number": c.person.masked_id_number,
        "period_start": c.period_start,
        "period_end": c.period_end,
        "hours": str(c.hours),
        "services": c.content,
        "issuer": c.issuer_name,
        "issuer_contact": c.issuer_contact,
        "issued_at": c.issued_at,
    }


class CertificateIn(Schema):
    community: uuid_lib.UUID
    start: dt.date
    end: dt.date
    person: uuid_lib.UUID | None = None  # staff issuing at a volunteer's request


@router.post("/certificates")
def issue_certificate(request: HttpRequest, body: CertificateIn) -> Any:
    from cogov.people.models import Person
    from cogov.territory.models import Node

    community = get_visible_or_404(Node.objects.all(), request.user, uuid=body.community)
    if body.person:
        person = get_visible_or_404(Person.objects.all(), request.user, uuid=body.person)
    else:
        person = person_of(request.user)
        if person is None:
            raise HttpError(400, "person: your account is not linked to a resident record")
    return _run(
        actions.issue_certificate,
        _certificate_out,
        actor=request.user,
        person=person,
        community=community,
        start=body.start,
        end=body.end,
    )


@router.get("/certificates/{uuid}")
def certificate(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    cert = get_object_or_404(Certificate.objects.select_related("person", "community"), uuid=uuid)
    if not (
        cert.person.user_id == request.user.pk
        or request.user.has_perm("points.manage_points", cert.community)
    ):
        raise HttpError(404, "Not found")
    return _certificate_out(cert)


# party ------------------------------------------------------------------------------------


def _member(request: HttpRequest, uuid: uuid_lib.UUID) -> Any:
    from cogov.people.models import PartyMember

    member = get_object_or_404(
        PartyMember.objects.select_related("person", "branch__node"), uuid=uuid
    )
    if not request.user.has_perm("points.view_party_score", member):
        raise HttpError(404, "Not found")
    return member


@router.get("/party/{uuid}/score")
def score(request: HttpRequest, uuid: uuid_lib.UUID, year: int | None = None) -> Any:
    member = _member(request, uuid)
    result = yearly_score(member, year or timezone.localdate().year)
    return {
        "year": result.year,
        "total": str(result.total),
        "extra": str(result.extra),
        "buckets": {k: str(v) for k, v in result.buckets.items()},
        "items": [
            {
                "bucket": i.bucket,
                "code": i.code,
                "label": i.label,
                "on": i.on,
                "points": str(i.points),
                "counted": str(i.counted),
                "evidence": [{"kind": e.kind, "ref": e.ref, "label": e.label} for e in i.evidence],
            }
            for i in result.items
        ],
    }


class ClaimIn(Schema):
    code: str
    occurred_on: dt.date
    description: str = ""
    evidence: list[dict[str, str]] = []


def _record_out(r: PartyRecord) -> dict[str, Any]:
    return {"uuid": r.uuid, "code": r.code, "points": str(r.points), "status": r.status}


@router.post("/party/{uuid}/records")
def claim(request: HttpRequest, uuid: uuid_lib.UUID, body: ClaimIn) -> Any:
    member = _member(request, uuid)
    return _run(
        actions.claim_party_record,
        _record_out,
        actor=request.user,
        member=member,
        code=body.code,
        occurred_on=body.occurred_on,
        description=body.description,
        evidence=body.evidence,
    )


class DecisionIn(Schema):
    approve: bool
    note: str = ""


@router.post("/party/records/{uuid}/decide")
def decide(request: HttpRequest, uuid: uuid_lib.UUID, body: DecisionIn) -> Any:
    qs = PartyRecord.objects.select_related("member__branch__node", "member__person")
    record = get_visible_or_404(qs, request.user, uuid=uuid)
    return _run(
        actions.decide_party_record,
        _record_out,
        actor=request.user,
        record=record,
        approve=body.approve,
        note=body.note,
    )
