"""Request and response schemas of the cases API."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from decimal import Decimal
from typing import Any

from ninja import Schema


class CategoryOut(Schema):
    uuid: uuid_lib.UUID
    code: str
    name: str
    parent: str | None
    urgency: str
    default_org_kind: str


class OrgRef(Schema):
    uuid: uuid_lib.UUID
    name: str
    kind: str


class CaseOut(Schema):
    uuid: uuid_lib.UUID
    number: str
    status: str
    channel: str
    work_type: str
    urgency: str
    category: str
    category_name: str
    description: str
    address: str
    lon: float | None
    lat: float | None
    grid: str | None
    community: str | None
    lead_organization: OrgRef | None
    reported_at: dt.datetime
    reply_due_at: dt.datetime | None
    overdue: bool
    supervised: bool


class EventOut(Schema):
    at: dt.datetime
    kind: str
    from_status: str
    to_status: str
    actor: str | None
    organization: str | None
    note: str
    evidence: dict[str, Any]


class AttachmentOut(Schema):
    uuid: uuid_lib.UUID
    stage: str
    url: str


class CaseDetailOut(CaseOut):
    caller_name: str
    caller_phone: str  # masked
    anonymous: bool
    reply: str
    co_handlers: list[OrgRef]
    duplicate_of: str | None
    revisit_resolution: str
    revisit_satisfaction: str
    hung_until: dt.date | None
    timeline: list[EventOut]
    attachments: list[AttachmentOut]


class CasePage(Schema):
    items: list[CaseOut]
    next_cursor: int | None


class CaseIn(Schema):
    category: str  # code
    description: str
    lon: float | None = None
    lat: float | None = None
    building: uuid_lib.UUID | None = None
    address: str = ""
    work_type: str = "request"
    urgency: str | None = None
    channel: str | None = None
    caller_name: str = ""
    caller_phone: str = ""
    anonymous: bool = False


class NoteIn(Schema):
    note: str = ""


class ReasonIn(Schema):
    reason: str


class VerifyIn(Schema):
    note: str = ""
    category: str | None = None
    urgency: str | None = None


class DispatchIn(Schema):
    lead: uuid_lib.UUID | None = None
    co_handlers: list[uuid_lib.UUID] = []
    note: str = ""


class PostponeIn(Schema):
    days: int
    reason: str


class DecideIn(Schema):
    approve: bool
    note: str = ""


class HangIn(Schema):
    until: dt.date
    reason: str


class ReplyIn(Schema):
    reply: str


class CheckIn(Schema):
    passed: bool
    note: str = ""


class RevisitIn(Schema):
    resolution: str
    satisfaction: str
    note: str = ""


class AnswerIn(Schema):
    answer: str


class MergeIn(Schema):
    into: uuid_lib.UUID
    note: str = ""


class WhistleIn(Schema):
    street: uuid_lib.UUID
    category: str
    subject: str = ""
    lead_department: uuid_lib.UUID
    invited: list[uuid_lib.UUID] = []
    case: uuid_lib.UUID | None = None
    report_within_minutes: int | None = None


class WhistleReportOut(Schema):
    department: OrgRef
    is_lead: bool
    due_at: dt.datetime
    reported_at: dt.datetime | None
    no_show: bool


class WhistleOut(Schema):
    uuid: uuid_lib.UUID
    category: str
    subject: str
    street: str
    case: str | None
    status: str
    blown_at: dt.datetime
    report_due_at: dt.datetime
    reports: list[WhistleReportOut]


class RatingIn(Schema):
    department: uuid_lib.UUID
    response_speed: int
    cooperation: int
    implementation: int
    note: str = ""


class ScorecardOut(Schema):
    department: OrgRef
    period: str
    called: int
    on_time: int
    late: int
    no_shows: int
    punctuality: Decimal | None
    average_rating: Decimal | None
