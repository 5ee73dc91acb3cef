"""Pages of 双报到: my registration (member or unit), the community's confirmation desk, service
posts with claiming, the employer's quarterly sheet (page, xlsx, PDF when WeasyPrint is there)
and the yearly appraisal."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from cogov.accounts.scopes import reach
from cogov.core.policies import get_policy
from cogov.territory.models import Level, Node
from cogov.web.actions import attempt

from .. import actions, selectors
from ..models import (
    Appraisal,
    Organization,
    PostCategory,
    RecordStatus,
    Report,
    ReportStatus,
    ServicePost,
    ServiceRecord,
)
from ..policy_kinds import REPORTING
from .committee import _year


def _uuid(value: str | None) -> uuid_lib.UUID:
    """A uuid from a form field; 404 for anything else (as for a missing object)."""
    try:
        return uuid_lib.UUID(str(value))
    except ValueError:
        raise Http404 from None


def community_of(node: Any) -> Node | None:
    for n in [node, *reversed(node.ancestors())] if node is not None else []:
        if n.level == Level.COMMUNITY:
            return n
    return None


def _my_member(user: Any) -> Any:
    from cogov.people.models import PartyMember

    return (
        PartyMember.objects.select_related("person__grid", "employer", "branch")
        .filter(person__user=user)
        .first()
    )


def _community(request: HttpRequest, uuid: Any) -> Node:
    found = Node.objects.filter(uuid=uuid, level=Level.COMMUNITY).first()
    if found is None:
        raise Http404
    return found


def _staff_community(request: HttpRequest, uuid: Any, perm: str) -> Node:
    community = _community(request, uuid)
    if not request.user.has_perm(perm, community):
        raise Http404
    return community


@login_required
def my_reporting(request: HttpRequest) -> HttpResponse:
    """双报到 for the signed-in user: as an in-service member (to the home community), and for
    each unit the user acts for (to the community where it is based)."""
    user = request.user
    member = _my_member(user)
    home = community_of(member.person.grid) if member and member.person.grid_id else None
    units = [
        o
        for o in Organization.objects.filter(pk__in=reach(user).organization_ids)
        .active()
        .select_related("node")
        if user.has_perm("organizations.act_for_unit", o)
    ]
    if request.method == "POST":
        what = request.POST.get("what", "")
        if what == "member" and member is not None and home is not None:
            attempt(
                request,
                actions.register_member,
                _("Sent. The community will confirm."),
                member=member,
                community=home,
                note=request.POST.get("note", ""),
            )
        elif what == "unit":
            unit = next((u for u in units if str(u.uuid) == request.POST.get("unit")), None)
            if unit is None:
                raise Http404
            attempt(
                request,
                actions.register_unit,
                _("Sent. The community will confirm."),
                unit=unit,
                community=community_of(unit.node),
                note=request.POST.get("note", ""),
            )
        elif what == "re_report":
            report = (
                Report.objects.visible_to(user)
                .filter(uuid=_uuid(request.POST.get("report")))
                .first()
            )
            if report is None:
                raise Http404
            attempt(request, actions.re_report, _("Re-reported."), report=report)
        return redirect("organizations:my-reporting")
    reports = Report.objects.filter(member__person__user=user.pk) | Report.objects.filter(
        unit__in=units
    )
    return render(
        request,
        "organizations/my_reporting.html",
        {
            "section": "organizations",
            "member": member,
            "home": home,
            "units": [(u, community_of(u.node)) for u in units],
            "reports": reports.select_related("community", "unit", "member__person").order_by(
                "-submitted_at"
            ),
        },
    )


@login_required
def reporting_desk(request: HttpRequest, uuid: Any) -> HttpResponse:
    """The community's desk: registrations to confirm, hours to confirm, who has reported."""
    community = _staff_community(request, uuid, "organizations.view_reporting")
    if request.method == "POST":
        kind, action = request.POST.get("kind"), request.POST.get("action")
        note = request.POST.get("note", "")
        if kind == "report":
            report = Report.objects.filter(
                community=community, uuid=_uuid(request.POST.get("uuid"))
            ).first()
            if report is None:
                raise Http404
            if action == "confirm":
                attempt(request, actions.confirm_report, _("Confirmed."), report=report, note=note)
            else:
                attempt(request, actions.reject_report, _("Returned."), report=report, note=note)
        elif kind == "record":
            rec = ServiceRecord.objects.filter(
                community=community, uuid=_uuid(request.POST.get("uuid"))
            ).first()
            if rec is None:
                raise Http404
            attempt(
                request,
                actions.confirm_service,
                _("Recorded."),
                record_=rec,
                confirm=action == "confirm",
                note=note,
            )
        return redirect("organizations:reporting-desk", uuid=community.uuid)
    reports = Report.objects.filter(community=community).select_related(
        "unit", "member__person", "employer"
    )
    return render(
        request,
        "organizations/reporting_desk.html",
        {
            "section": "organizations",
            "community": community,
            "pending": reports.filter(status=ReportStatus.SUBMITTED),
            "confirmed": reports.filter(status=ReportStatus.CONFIRMED)[:300],
            "records": ServiceRecord.objects.filter(
                community=community, status=RecordStatus.SUBMITTED
            ).select_related("member__person", "post")[:300],
            "may_manage": request.user.has_perm("organizations.manage_reporting", community),
        },
    )


@login_required
def posts(request: HttpRequest, uuid: Any) -> HttpResponse:
    """A community's service posts; reported members claim places, staff publish posts."""
    community = _community(request, uuid)
    user = request.user
    visible = ServicePost.objects.visible_to(user).filter(community=community)
    may_manage = user.has_perm("organizations.manage_reporting", community)
    if not may_manage and not visible.exists():
        raise Http404
    member = _my_member(user)
    if request.method == "POST":
        if request.POST.get("action") == "publish":
            try:
                capacity = int(request.POST.get("capacity", "0"))
            except ValueError:
                capacity = 0
            attempt(
                request,
                actions.publish_post,
                _("Published."),
                community=community,
                category=request.POST.get("category", ""),
                title=request.POST.get("title", ""),
                capacity=capacity,
                description=request.POST.get("description", ""),
            )
        elif request.POST.get("action") == "claim":
            post = visible.filter(uuid=_uuid(request.POST.get("post"))).first()
            if post is None or member is None:
                raise Http404
            attempt(request, actions.claim_post, _("The place is yours."), post=post, member=member)
        elif request.POST.get("action") == "log":
            served_on = parse_date(request.POST.get("served_on", "") or "")
            if member is None or served_on is None:
                messages.error(request, _("Give the date."))
            else:
                post = (
                    visible.filter(uuid=_uuid(request.POST.get("post"))).first()
                    if request.POST.get("post")
                    else None
                )
                attempt(
                    request,
                    actions.log_service,
                    _("Hours sent for confirmation."),
                    member=member,
                    community=community,
                    served_on=served_on,
                    hours=request.POST.get("hours", ""),
                    description=request.POST.get("description", ""),
                    post=post,
                )
        return redirect("organizations:posts", uuid=community.uuid)
    mine = set()
    if member is not None:
        mine = set(
            member.post_claims.filter(withdrawn_at__isnull=True).values_list("post_id", flat=True)
        )
    return render(
        request,
        "organizations/posts.html",
        {
            "section": "organizations",
            "community": community,
            "posts": visible.order_by("category", "-created_at"),
            "categories": PostCategory.choices,
            "may_manage": may_manage,
            "member": member,
            "mine": mine,
            "today": timezone.localdate(),
        },
    )


def _quarter(request: HttpRequest) -> tuple[int, int]:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
        quarter = int(request.GET.get("quarter") or (today.month - 1) // 3 + 1)
    except ValueError:
        raise Http404 from None
    if not (1 <= quarter <= 4 and 2000 <= year <= 2100):
        raise Http404
    return year, quarter


def _sheet(request: HttpRequest, uuid: Any) -> selectors.QuarterSheet:
    employer = Organization.objects.filter(uuid=uuid).select_related("node").first()
    if employer is None or not request.user.has_perm("organizations.act_for_unit", employer):
        raise Http404
    year, quarter = _quarter(request)
    return selectors.quarter_sheet(employer, year, quarter)


@login_required
def sheet(request: HttpRequest, uuid: Any) -> HttpResponse:
    """The quarterly service sheet for an employer's party organization (printable)."""
    s = _sheet(request, uuid)
    return render(
        request,
        "organizations/sheet.html",
        {
            "section": "organizations",
            "sheet": s,
            "pdf": selectors.weasyprint_available(),
            "quarters": [1, 2, 3, 4],
        },
    )


@login_required
def sheet_xlsx(request: HttpRequest, uuid: Any) -> HttpResponse:
    s = _sheet(request, uuid)
    response = HttpResponse(
        selectors.sheet_xlsx(s),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="sheet-{s.year}Q{s.quarter}.xlsx"'
    return response


@login_required
def sheet_pdf(request: HttpRequest, uuid: Any) -> HttpResponse:
    if not selectors.weasyprint_available():
        raise Http404
    import weasyprint

    s = _sheet(request, uuid)
    html = render_to_string("organizations/sheet_print.html", {"sheet": s}, request=request)
    response = HttpResponse(
        weasyprint.HTML(string=html).write_pdf(), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="sheet-{s.year}Q{s.quarter}.pdf"'
    return response


@login_required
def appraisal(request: HttpRequest, uuid: Any) -> HttpResponse:
    """The yearly appraisal: in-service members who live in or reported to the community, whether
    they reported, their grade, and their party points score when the points app offers it."""
    from cogov.people.models import PartyMember

    community = _staff_community(request, uuid, "organizations.view_reporting")
    year = _year(request)
    grades = get_policy(REPORTING, community, on=dt.date(year, 12, 31)).grades
    if request.method == "POST":
        member = PartyMember.objects.filter(uuid=_uuid(request.POST.get("member"))).first()
        if member is None:
            raise Http404
        attempt(
            request,
            actions.appraise_member,
            _("Rated."),
            member=member,
            community=community,
            year=year,
            grade=request.POST.get("grade", ""),
            note=request.POST.get("note", ""),
        )
        return redirect(f"{request.path}?year={year}")
    members = list(
        PartyMember.objects.filter(
            Q(in_service=True, person__grid__path__startswith=community.path)
            | Q(reports__community=community)
        )
        .distinct()
        .select_related("person", "employer", "branch__node")
        .order_by("person__name")
    )
    reported = set(
        Report.objects.filter(
            member__in=members,
            community=community,
            status__in=(ReportStatus.CONFIRMED, ReportStatus.ENDED),
            confirmed_on__lte=dt.date(year, 12, 31),
        )
        .exclude(ended_on__lt=dt.date(year, 1, 1))
        .values_list("member_id", flat=True)
    )
    rated = dict(
        Appraisal.objects.filter(community=community, year=year).values_list("member_id", "grade")
    )
    labels = {g.key: g.label for g in grades}
    rows = [
        {
            "member": m,
            "reported": m.pk in reported,
            "grade": labels.get(rated.get(m.pk, ""), ""),
            "score": selectors.yearly_party_score(m, year),
        }
        for m in members
    ]
    return render(
        request,
        "organizations/appraisal.html",
        {
            "section": "organizations",
            "community": community,
            "year": year,
            "years": [year - 1, year + 1],
            "grades": grades,
            "rows": rows,
            "may_manage": request.user.has_perm("organizations.manage_reporting", community),
            "with_scores": any(r["score"] is not None for r in rows),
        },
    )
