"""The love supermarket: items, redemption (points and stock in one transaction), pickup."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from cogov.core import audit
from cogov.core.errors import ActionError
from cogov.core.workflow import TransitionTable, transition

from .. import ledger
from ..models import (
    REDEMPTION_TRANSITIONS,
    AccountKind,
    EntryKind,
    Redemption,
    RedemptionEvent,
    RedemptionStatus,
    ShopItem,
)
from .common import account_for, person_required, require

TABLE = TransitionTable(REDEMPTION_TRANSITIONS)  # type: ignore[arg-type]


def create_item(
    *, actor: Any, community: Any, name: str, price: Decimal, stock: int, description: str = ""
) -> ShopItem:
    require(actor, "points.manage_shop", community)
    if not name.strip():
        raise ActionError(gettext("give the item a name"), field="name")
    if ledger.q(price) <= 0:
        raise ActionError(gettext("the price is positive"), field="price")
    if stock < 0:
        raise ActionError(gettext("stock cannot be negative"), field="stock")
    with transaction.atomic():
        item = ShopItem.objects.create(
            community=community,
            name=name.strip(),
            price=ledger.q(price),
            stock=stock,
            description=description,
        )
        audit.record(actor, "points.create_item", item, price=str(item.price), stock=stock)
    return item


def restock(*, actor: Any, item: ShopItem, quantity: int) -> ShopItem:
    """Add (or, with a negative quantity, take out) stock; never below zero."""
    require(actor, "points.manage_shop", item)
    if quantity == 0:
        raise ActionError(gettext("the quantity is not zero"), field="quantity")
    with transaction.atomic():
        moved = ShopItem.objects.filter(pk=item.pk, stock__gte=-quantity).update(
            stock=F("stock") + quantity
        )
        if not moved:
            raise ActionError(
                gettext("not that much in stock"), field="quantity", code="out_of_stock"
            )
        item.refresh_from_db()
        audit.record(actor, "points.restock", item, quantity=quantity, stock=item.stock)
    return item


def redeem(*, actor: Any, item: ShopItem) -> Redemption:
    """Exchange points for one item. In one transaction: take one from stock with a conditional
    UPDATE (`stock = stock - 1 WHERE stock >= 1`), lock the account and append the payment; if
    the points do not suffice, everything rolls back (the stock too)."""
    require(actor, "points.redeem", item)
    person = person_required(actor)
    if not item.active:
        raise ActionError(gettext("this item is not on sale"), code="inactive")
    account = account_for(person, item.community, AccountKind.POINTS)
    with transaction.atomic():
        taken = ShopItem.objects.filter(pk=item.pk, active=True, stock__gte=1).update(
            stock=F("stock") - 1
        )
        if not taken:
            raise ActionError(gettext("out of stock"), code="out_of_stock")
        (locked,) = ledger.lock(account)
        price = ShopItem.objects.values_list("price", flat=True).get(pk=item.pk)
        redemption = Redemption.objects.create(item=item, account=locked, points=price)
        ledger.append(
            locked,
            kind=EntryKind.SPEND,
            amount=-price,
            actor=actor,
            memo=item.name,
            rule="shop",
            redemption=redemption,
            idempotency_key=f"redemption:{redemption.uuid}:pay",
        )
        RedemptionEvent.objects.create(
            subject=redemption, actor=actor, to_status=RedemptionStatus.RESERVED
        )
    return redemption


def confirm_pickup(*, actor: Any, redemption: Redemption) -> Redemption:
    """The shop operator hands the item over."""
    require(actor, "points.manage_shop", redemption.item)
    with transaction.atomic():
        transition(
            redemption,
            RedemptionStatus.PICKED_UP,
            table=TABLE,
            events=RedemptionEvent,
            actor=actor,
            extra_updates={"picked_up_at": timezone.now(), "handled_by": actor},
        )
    return redemption


def cancel_redemption(*, actor: Any, redemption: Redemption, reason: str = "") -> Redemption:
    """Before pickup: the item goes back on the shelf and the points back to the account (a
    reversing entry of the payment)."""
    if redemption.account.person.user_id != actor.pk:
        require(actor, "points.manage_shop", redemption.item)
    with transaction.atomic():
        transition(
            redemption,
            RedemptionStatus.CANCELLED,
            table=TABLE,
            events=RedemptionEvent,
            actor=actor,
            note=reason,
            extra_updates={"handled_by": actor},
        )
        ShopItem.objects.filter(pk=redemption.item_id).update(stock=F("stock") + 1)
        payment = redemption.entries.get(kind=EntryKind.SPEND)
        (locked,) = ledger.lock(redemption.account)
        ledger.append(
            locked,
            kind=EntryKind.ADJUST,
            amount=-payment.amount,
            actor=actor,
            memo=reason or "redemption cancelled",
            rule="shop",
            reverses=payment,
            redemption=redemption,
            idempotency_key=f"redemption:{redemption.uuid}:refund",
        )
    return redemption
