"""JSON API: rounds and their results (read), compute and publish (actions)."""

from __future__ import annotations

import uuid as uuid_lib

from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

from cogov.core.errors import ActionError, NotAllowed
from cogov.web.access import get_visible_or_404

from . import actions
from .models import Round

router = Router(tags=["assessment"])


def _round_json(rnd: Round) -> dict:
    return {
        "uuid": str(rnd.uuid),
        "name": rnd.name,
        "status": rnd.status,
        "level": rnd.level,
        "period": [rnd.period_start.isoformat(), rnd.period_end.isoformat()],
    }


@router.get("/rounds")
def list_rounds(request: HttpRequest) -> list[dict]:
    return [_round_json(r) for r in Round.objects.visible_to(request.user)]


@router.get("/rounds/{uuid}")
def round_detail(request: HttpRequest, uuid: uuid_lib.UUID) -> dict:
    from .views import _results

    rnd = get_visible_or_404(Round.objects.all(), request.user, uuid=uuid)
    data = _round_json(rnd)
    data["results"] = [
        {
            "node": str(r.node.uuid),
            "name": r.node.name,
            "score": r.score,
            "rank": r.rank,
            "grade": r.grade,
            "blocks": r.blocks,
        }
        for r in _results(rnd, request.user)
    ]
    return data


@router.post("/rounds/{uuid}/{step}")
def round_step(request: HttpRequest, uuid: uuid_lib.UUID, step: str) -> dict:
    rnd = get_visible_or_404(Round.objects.all(), request.user, uuid=uuid)
    steps = {"compute": actions.compute_round, "publish": actions.publish_round}
    if step not in steps:
        raise HttpError(404, "unknown step")
    try:
        steps[step](actor=request.user, round=rnd)
    except NotAllowed as exc:
        raise HttpError(403, exc.message) from None
    except ActionError as exc:
        raise HttpError(400, exc.message) from None
    rnd.refresh_from_db()
    return _round_json(rnd)
