"""The router of /api/points/ and what its endpoints share: action refusals as 403 / 400
answers, and the body of a reason."""

from __future__ import annotations

from ninja import Router, Schema

router = Router(tags=["points"])


class Reason(Schema):
    reason: str = ""
