"""The redemption shop: items, redeeming points for one, and pick-up or cancellation of a
redemption."""

from __future__ import annotations

import uuid as uuid_lib
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Schema

from cogov.web.access import get_visible_or_404
from cogov.web.actions import run_action

from .. import actions
from ..models import Redemption, ShopItem
from .common import Reason, router


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
    return run_action(
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
    return run_action(actions.redeem, _redemption_out, actor=request.user, item=item)


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
    return run_action(
        actions.confirm_pickup, _redemption_out, actor=request.user, redemption=redemption
    )


@router.post("/shop/redemptions/{uuid}/cancel")
def cancel_redemption(request: HttpRequest, uuid: uuid_lib.UUID, body: Reason) -> Any:
    redemption = _redemption(request, uuid)
    return run_action(
        actions.cancel_redemption,
        _redemption_out,
        actor=request.user,
        redemption=redemption,
        reason=body.reason,
    )
