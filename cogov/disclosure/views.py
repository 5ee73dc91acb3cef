"""Pages of the disclosure app: staff pages (notices, a notice with its workflow, obligations,
compliance with xlsx export, the catalogue) and the public board (no login, prints on A4).

Thin views: look up through visible_to (404 for forbidden and missing alike), call an action,
report its refusal as a message, redirect.
"""

from __future__ import annotations

import io
import uuid as uuid_lib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cogov.accounts.roles import ROLES
from cogov.core.errors import ActionError
from cogov.territory.models import Level, Node
from cogov.web.access import get_visible_or_404
from cogov.web.actions import attempt

from . import actions, privacy, selectors
from .actions import SECRECY_CHECKLIST
from .models import Category, Notice, NoticeStatus, Objection, Obligation, State
from .policy_kinds import CATALOGUE

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _communities(user: Any, permission: str) -> list[Node]:
    return [
        c
        for c in Node.objects.visible_to(user)
        .active()
        .of_level(Level.COMMUNITY)
        .order_by("code")[:500]
        if user.has_perm(permission, c)
    ]


def _scopes(user: Any) -> list[Node]:
    """Nodes (district, street, community) over which the user sees compliance."""
    nodes = (
        Node.objects.visible_to(user)
        .active()
        .filter(level__in=(Level.DISTRICT, Level.STREET, Level.COMMUNITY))
        .order_by("path")[:500]
    )
    return [n for n in nodes if user.has_perm("disclosure.view_compliance", n)]


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    communities = _communities(request.user, "disclosure.view_notices")
    if not communities:
        raise Http404
    qs = Notice.objects.visible_to(request.user).select_related("community", "obligation")
    community = request.GET.get("community", "")
    status = request.GET.get("status", "")
    category = request.GET.get("category", "")
    if community:
        qs = qs.filter(community__uuid=community) if _is_uuid(community) else qs.none()
    if status in NoticeStatus.values:
        qs = qs.filter(status=status)
    if category in Category.values:
        qs = qs.filter(category=category)
    proposable = _communities(request.user, "disclosure.propose")
    return render(
        request,
        "disclosure/notice_list.html",
        {
            "section": "disclosure",
            "notices": list(qs.order_by("-created_at", "-pk")[:200]),
            "communities": communities,
            "statuses": NoticeStatus.choices,
            "categories": Category.choices,
            "f": {"community": community, "status": status, "category": category},
            "can_propose": bool(proposable),
            "proposable": proposable,
            "triggers": _triggers(proposable[0]) if proposable else [],
        },
    )


def _triggers(community: Node) -> list[tuple[str, str]]:
    catalogue, _origin = selectors.catalogue_of(community)
    seen: dict[str, str] = {}
    for item in catalogue.items:
        if item.trigger and item.trigger not in seen:
            seen[item.trigger] = item.item
    return sorted(seen.items())


def _is_uuid(text: str) -> bool:
    try:
        uuid_lib.UUID(text)
    except ValueError:
        return False
    return True


@login_required
def notice_new(request: HttpRequest) -> HttpResponse:
    communities = _communities(request.user, "disclosure.propose")
    if not communities:
        raise Http404
    obligation = None
    if request.GET.get("obligation") or request.POST.get("obligation"):
        obligation = get_visible_or_404(
            Obligation.objects.select_related("community"),
            request.user,
            uuid=request.GET.get("obligation") or request.POST.get("obligation"),
        )
    if request.method == "POST":
        community = obligation.community if obligation else None
        if community is None:
            community = next(
                (c for c in communities if str(c.uuid) == request.POST.get("community")), None
            )
        if community is None:
            messages.error(request, _("Choose a community."))
        elif obligation is not None and request.POST.get("fill") == "1":
            notice = attempt(
                request,
                actions.create_from_ledger,
                _("Filled from the ledger: check the text and the table before sending."),
                obligation=obligation,
                title=request.POST.get("title", ""),
            )
            if notice is not None:
                return redirect("disclosure:notice-detail", uuid=notice.uuid)
        else:
            notice = attempt(
                request,
                actions.create_notice,
                _("Draft saved."),
                community=community,
                obligation=obligation,
                category=request.POST.get("category", ""),
                title=request.POST.get("title", ""),
                body=request.POST.get("body", ""),
            )
            if notice is not None:
                return redirect("disclosure:notice-detail", uuid=notice.uuid)
    open_obligations = list(
        Obligation.objects.visible_to(request.user)
        .filter(community__in=communities, fulfilled_on__isnull=True)
        .select_related("community")
        .order_by("due_on")[:100]
    )
    return render(
        request,
        "disclosure/notice_form.html",
        {
            "section": "disclosure",
            "communities": communities,
            "obligation": obligation,
            "from_ledger": obligation is not None and actions.fills_from_ledger(obligation),
            "open_obligations": open_obligations,
            "categories": Category.choices,
            "data": request.POST,
        },
    )


def _notice(request: HttpRequest, uuid: Any) -> Notice:
    return get_visible_or_404(
        Notice.objects.select_related("community", "obligation", "proposed_by"),
        request.user,
        uuid=uuid,
    )


@login_required
def notice_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    notice = _notice(request, uuid)
    user = request.user
    status = notice.status
    escalated = status == NoticeStatus.ESCALATED
    return render(
        request,
        "disclosure/notice_detail.html",
        {
            "section": "disclosure",
            "notice": notice,
            "events": _history(notice),
            "objections": list(notice.objections.select_related("author").order_by("created_at")),
            "checklist": SECRECY_CHECKLIST,
            "can_propose": user.has_perm("disclosure.propose", notice),
            "from_ledger": notice.status == NoticeStatus.DRAFT
            and actions.ledger_item(notice) is not None,
            "can_review": status == NoticeStatus.IN_REVIEW
            and user.has_perm("disclosure.review", notice),
            "can_approve": (
                user.has_perm("disclosure.approve_escalated", notice)
                if escalated
                else status == NoticeStatus.IN_REVIEW
                and user.has_perm("disclosure.approve", notice)
            ),
            "can_escalate": status == NoticeStatus.IN_REVIEW
            and user.has_perm("disclosure.approve", notice),
            "can_answer": user.has_perm("disclosure.answer_objection", notice),
            "checked": bool(notice.secrecy_check.get("at")),
        },
    )


def _history(notice: Notice) -> list[dict[str, Any]]:
    """The notice's events with status labels and the actions' standard notes translated."""
    labels = dict(NoticeStatus.choices)
    notes = {
        "proposed": _("proposed"),
        "submitted for review": _("submitted for review"),
        "secrecy check passed": _("secrecy check passed"),
        "approved": _("approved"),
        "published": _("published"),
        "archived": _("archived"),
        "posting period ended": _("posting period ended"),
    }
    return [
        {
            "at": e.at,
            "actor": e.actor,
            "from": labels.get(e.from_status, "—") if e.from_status else "—",
            "to": labels.get(e.to_status, e.to_status),
            "note": notes.get(e.note, e.note),
        }
        for e in notice.events.select_related("actor").order_by("at", "pk")
    ]


@login_required
@require_POST
def notice_action(request: HttpRequest, uuid: Any, action: str) -> HttpResponse:
    notice = _notice(request, uuid)
    back = redirect("disclosure:notice-detail", uuid=notice.uuid)
    post = request.POST
    if action == "edit":
        attempt(
            request,
            actions.edit_notice,
            _("Saved."),
            notice=notice,
            title=post.get("title", ""),
            body=post.get("body", ""),
        )
    elif action == "fill":
        attempt(
            request,
            actions.fill_from_ledger,
            _("Filled from the ledger: check the text and the table before sending."),
            notice=notice,
        )
    elif action == "table":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a file."))
        else:
            attempt(
                request,
                actions.attach_table_file,
                _("Table attached."),
                notice=notice,
                data=upload.read(),
                title=post.get("table_title", ""),
            )
    elif action == "submit":
        attempt(request, actions.submit, _("Sent for review."), notice=notice)
    elif action == "review":
        attempt(
            request,
            actions.review,
            _("Secrecy check recorded."),
            notice=notice,
            checklist={key: post.get(key) == "1" for key, _label in SECRECY_CHECKLIST},
            justification=post.get("justification", ""),
            note=post.get("note", ""),
        )
    elif action == "approve":
        attempt(request, actions.approve, _("Approved."), notice=notice, note=post.get("note", ""))
    elif action == "escalate":
        attempt(
            request,
            actions.escalate,
            _("Sent to the street."),
            notice=notice,
            note=post.get("note", ""),
        )
    elif action == "return":
        attempt(
            request,
            actions.return_to_draft,
            _("Returned to the proposer."),
            notice=notice,
            note=post.get("note", ""),
        )
    elif action == "publish":
        ends = (
            parse_date(post.get("posting_ends_on", "") or "")
            if post.get("posting_ends_on")
            else None
        )
        attempt(
            request,
            actions.publish,
            _("Published on the board."),
            notice=notice,
            posting_ends_on=ends,
        )
    elif action == "archive":
        attempt(request, actions.archive, _("Archived."), notice=notice)
    elif action == "withdraw":
        attempt(
            request, actions.withdraw, _("Withdrawn."), notice=notice, reason=post.get("reason", "")
        )
    elif action == "answer":
        objection = get_object_or_404(
            Objection,
            notice=notice,
            uuid=post.get("objection") if _is_uuid(post.get("objection", "")) else None,
        )
        attempt(
            request,
            actions.answer_objection,
            _("Answer saved."),
            objection=objection,
            answer=post.get("answer", ""),
        )
    else:
        raise Http404
    return back


@login_required
@require_POST
def trigger(request: HttpRequest) -> HttpResponse:
    community = next(
        (
            c
            for c in _communities(request.user, "disclosure.propose")
            if str(c.uuid) == request.POST.get("community")
        ),
        None,
    )
    if community is None:
        raise Http404
    made = attempt(
        request,
        actions.trigger,
        _("Event recorded."),
        community=community,
        trigger=request.POST.get("trigger", ""),
        ref=request.POST.get("ref", ""),
        on=parse_date(request.POST.get("on", "") or "") or timezone.localdate(),
        note=request.POST.get("note", ""),
    )
    if made and len(made) == 1:
        return redirect("disclosure:obligation-detail", uuid=made[0].uuid)
    return redirect("disclosure:notice-list")


@login_required
def obligation_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    obligation = get_visible_or_404(
        Obligation.objects.select_related("community", "fulfilled_by"), request.user, uuid=uuid
    )
    item = actions.item_for(obligation.community, obligation.item_code)
    return render(
        request,
        "disclosure/obligation_detail.html",
        {
            "section": "disclosure",
            "obligation": obligation,
            "state": State(obligation.state_on()),
            "item": item,
            "notices": list(obligation.notices.order_by("-created_at")),
            "can_propose": request.user.has_perm("disclosure.propose", obligation.community),
        },
    )


@login_required
def compliance(request: HttpRequest) -> HttpResponse:
    scopes = _scopes(request.user)
    if not scopes:
        raise Http404
    node = next((n for n in scopes if str(n.uuid) == request.GET.get("node")), scopes[0])
    communities = [n for n in scopes if n.level == Level.COMMUNITY and n.path.startswith(node.path)]
    community = next((c for c in communities if str(c.uuid) == request.GET.get("community")), None)
    f = {
        "period": request.GET.get("period", ""),
        "category": request.GET.get("category", ""),
        "state": request.GET.get("state", ""),
        "community": str(community.uuid) if community else "",
        "node": str(node.uuid),
    }
    try:
        result = selectors.compliance(
            request.user,
            node,
            period=f["period"],
            category=f["category"] if f["category"] in Category.values else "",
            community=community,
            state=f["state"],
        )
    except ActionError as exc:
        messages.error(request, exc.message)
        result = selectors.compliance(request.user, node, community=community)
    if request.GET.get("format") == "xlsx":
        return _compliance_xlsx(result)
    return render(
        request,
        "disclosure/compliance.html",
        {
            "section": "disclosure",
            "result": result,
            "node": node,
            "scopes": scopes,
            "communities": communities,
            "categories": Category.choices,
            "states": State.choices,
            "f": f,
            "query": request.GET.urlencode(),
        },
    )


def _compliance_xlsx(result: selectors.Compliance) -> HttpResponse:
    import openpyxl

    from cogov.lib.tabular import FORMULA_START

    def safe(value: Any) -> Any:
        return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(_("Obligations")[:30])
    sheet.append(
        [
            _("Community"),
            _("Code"),
            _("Category"),
            _("Item"),
            _("Period"),
            _("Due on"),
            _("Published on"),
            _("State"),
        ]
    )
    for o in result.obligations:
        sheet.append(
            [
                safe(o.community.name),
                o.community.code,
                o.get_category_display(),
                safe(o.item_label),
                o.period_key,
                o.due_on,
                o.fulfilled_on,
                o.get_state_display(),
            ]
        )
    counts = book.create_sheet(_("By community")[:30])
    counts.append(
        [
            _("Community"),
            _("Code"),
            _("Total"),
            _("Published on time"),
            _("Published late"),
            _("Overdue (missing)"),
            _("Not yet due"),
            _("On-time rate (%)"),
        ]
    )
    for r in result.per_community:
        counts.append(
            [
                r["community__name"],
                r["community__code"],
                r["total"],
                r["on_time"],
                r["late"],
                r["overdue"],
                r["not_due"],
                r["rate"],
            ]
        )
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, f"disclosure-compliance-{result.node.code}-{timezone.localdate():%Y%m%d}.xlsx"
    )
    return response


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    nodes = [
        n
        for n in Node.objects.visible_to(request.user)
        .active()
        .filter(level__in=(Level.DISTRICT, Level.STREET, Level.COMMUNITY))
        .order_by("path")[:500]
        if request.user.has_perm("disclosure.view_notices", n)
    ]
    if not nodes:
        raise Http404
    node = next((n for n in nodes if str(n.uuid) == request.GET.get("node")), nodes[0])
    value, origin = selectors.catalogue_of(node)
    return render(
        request,
        "disclosure/catalogue.html",
        {
            "section": "disclosure",
            "node": node,
            "nodes": nodes,
            "items": [(i, ROLES[i.responsible_role].label) for i in value.items],
            "origin": origin,
            "kind": CATALOGUE,
            "can_set": request.user.has_perm("core.manage_policies", node),
        },
    )


# --- the public board (no login) -------------------------------------------------------------


def _board_community(code: str) -> Node:
    return get_object_or_404(Node.objects.active().filter(level=Level.COMMUNITY), code=code)


def board(request: HttpRequest, code: str) -> HttpResponse:
    """The community's disclosure board: public, no login, never a draft or withdrawn notice."""
    community = _board_community(code)
    current, recent = selectors.board(community)
    groups = [
        (label, [n for n in current if n.category == value]) for value, label in Category.choices
    ]
    return render(
        request,
        "disclosure/board.html",
        {"community": community, "groups": groups, "recent": recent, "now": timezone.now()},
    )


def board_item(request: HttpRequest, code: str, uuid: uuid_lib.UUID) -> HttpResponse:
    community = _board_community(code)
    notice = get_object_or_404(Notice.objects.on_board(community), uuid=uuid)
    if request.method == "POST":
        if not request.user.is_authenticated:
            raise Http404
        attempt(
            request,
            actions.object_to,
            _("Your objection is recorded."),
            notice=notice,
            body=request.POST.get("body", ""),
        )
        return redirect("public:board-item", code=community.code, uuid=notice.uuid)
    can_object = request.user.is_authenticated and request.user.has_perm(
        "disclosure.object", notice
    )
    return render(
        request,
        "disclosure/board_item.html",
        {
            "community": community,
            "notice": notice,
            "body": privacy.mask_text(notice.body),
            "rows": [
                [privacy.mask_text(str(c)) for c in row] for row in notice.table.get("rows", [])
            ],
            "answered": list(
                notice.objections.filter(answered_at__isnull=False).order_by("created_at")
            ),
            "objection_count": notice.objections.count(),
            "can_object": can_object,
        },
    )
