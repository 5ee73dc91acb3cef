"""Roster import and export pages: upload → preview (counts and errors) → confirm → result,
the blank template, and the xlsx / CSV exports.

Between preview and confirm the uploaded file stays on the server (the "private" storage, or
DATA_DIR/private), under a random key that only this user's session knows, with its SHA-256:
the browser never sends the file twice, so what is confirmed is exactly what was previewed.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, InvalidStorageError, Storage, storages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from cogov.accounts.roles import IMPORT_ROSTER, PEOPLE, REVEAL_PII
from cogov.accounts.scopes import reach
from cogov.core.errors import ActionError, NotAllowed
from cogov.territory.models import Level, Node
from cogov.web.access import get_visible_or_404

from ..exports import XLSX_TYPE, export_roster, template_workbook
from ..imports import ImportReport, import_roster
from ..roster_format import COLUMNS, MAX_BYTES, TAG_NAMES_ZH, read_sheet

SESSION_UPLOADS = "people.roster.uploads"
SESSION_RESULTS = "people.roster.results"
UPLOAD_DIR = "roster-uploads"
UPLOAD_MAX_AGE = 2 * 3600  # seconds between upload and confirm
ERRORS_SHOWN = 500


def _storage() -> Storage:
    """Where uploads wait for confirmation: never under MEDIA_ROOT, which may be served."""
    try:
        return storages["private"]
    except InvalidStorageError:
        return FileSystemStorage(
            location=settings.DATA_DIR / "private",
            file_permissions_mode=0o600,  # personal data: readable by the server's user only
            directory_permissions_mode=0o700,
        )


def _overlaps(user: Any, capability: str, community: Node) -> bool:
    """The user holds `capability` over the community or somewhere inside it."""
    r = reach(user)
    if r.everything:
        return True
    return any(
        community.path.startswith(p) or p.startswith(community.path)
        for p in r.paths_with(capability)
    )


def _community(request: HttpRequest, uuid: Any) -> Node:
    """The community, or 404 when the user cannot see it or its residents."""
    community = get_visible_or_404(Node.objects.of_level(Level.COMMUNITY), request.user, uuid=uuid)
    if not (
        _overlaps(request.user, PEOPLE, community)
        or _overlaps(request.user, IMPORT_ROSTER, community)
    ):
        raise Http404
    return community


def _require_import(request: HttpRequest, community: Node) -> None:
    if not request.user.has_perm("people.import_roster", community):
        raise PermissionDenied


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Roster file (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 20 MB; split it into several files.")
            )
        name = (upload.name or "").lower()
        if not name.endswith((".xlsx", ".csv", ".txt")):
            raise forms.ValidationError(_("Upload an Excel workbook (.xlsx) or a CSV file."))
        return upload


# Uploads kept between preview and confirm ---------------------------------------------------


def _stash(request: HttpRequest, community: Node, data: bytes, filename: str) -> str:
    storage = _storage()
    _forget_stale(request, storage)
    key = secrets.token_hex(16)
    name = storage.save(f"{UPLOAD_DIR}/{key}.bin", ContentFile(data))
    uploads = request.session.get(SESSION_UPLOADS, {})
    uploads[key] = {
        "community": str(community.uuid),
        "name": name,
        "filename": filename[:200],
        "sha256": hashlib.sha256(data).hexdigest(),
        "at": time.time(),
    }
    request.session[SESSION_UPLOADS] = uploads
    return key


def _unstash(request: HttpRequest, community: Node, key: str) -> tuple[bytes, dict[str, Any]]:
    entry = request.session.get(SESSION_UPLOADS, {}).get(key)
    if (
        not entry
        or entry["community"] != str(community.uuid)
        or time.time() - entry["at"] > UPLOAD_MAX_AGE
    ):
        raise Http404
    try:
        with _storage().open(entry["name"], "rb") as f:
            data = f.read()
    except OSError:
        raise Http404 from None
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise Http404
    return data, entry


def _drop(request: HttpRequest, key: str) -> None:
    uploads = request.session.get(SESSION_UPLOADS, {})
    entry = uploads.pop(key, None)
    request.session[SESSION_UPLOADS] = uploads
    if entry:
        _storage().delete(entry["name"])


def _forget_stale(request: HttpRequest, storage: Storage) -> None:
    """Drop this session's expired uploads, and files left by sessions that never confirmed."""
    now = time.time()
    uploads = request.session.get(SESSION_UPLOADS, {})
    for key, entry in list(uploads.items()):
        if now - entry["at"] > UPLOAD_MAX_AGE:
            storage.delete(entry["name"])
            del uploads[key]
    request.session[SESSION_UPLOADS] = uploads
    try:
        _dirs, files = storage.listdir(UPLOAD_DIR)
    except (FileNotFoundError, NotImplementedError):
        return
    for file in files:
        name = f"{UPLOAD_DIR}/{file}"
        try:
            if now - storage.get_modified_time(name).timestamp() > 24 * 3600:
                storage.delete(name)
        except (OSError, NotImplementedError):
            continue


# Pages ----------------------------------------------------------------------------------


@login_required
def roster_index(request: HttpRequest) -> HttpResponse:
    """The communities whose roster the user can import or export."""
    user = request.user
    communities = [
        c
        for c in Node.objects.visible_to(user).active().of_level(Level.COMMUNITY).order_by("code")
        if _overlaps(user, PEOPLE, c) or _overlaps(user, IMPORT_ROSTER, c)
    ]
    if not communities:
        raise Http404
    if len(communities) == 1:
        return redirect("people:roster", uuid=communities[0].uuid)
    return render(
        request, "people/roster_index.html", {"section": "people", "communities": communities}
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def roster(request: HttpRequest, uuid: Any) -> HttpResponse:
    """The roster page of a community: upload a file (POST), export, download the template."""
    community = _community(request, uuid)
    can_import = request.user.has_perm("people.import_roster", community)
    form = UploadForm()
    if request.method == "POST":
        _require_import(request, community)
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            try:
                read_sheet(data)  # fails early on files that cannot be read at all
            except ActionError as exc:
                form.add_error("file", exc.message)
            else:
                key = _stash(request, community, data, upload.name or "")
                return redirect("people:roster-preview", uuid=community.uuid, key=key)
    return render(
        request,
        "people/roster_home.html",
        {
            "section": "people",
            "community": community,
            "form": form,
            "can_import": can_import,
            "can_reveal": _overlaps(request.user, REVEAL_PII, community),
            "columns": COLUMNS,
            "tags": TAG_NAMES_ZH.values(),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def roster_preview(request: HttpRequest, uuid: Any, key: str) -> HttpResponse:
    """GET: what the import would do (nothing is written). POST: do it, all rows or none."""
    community = _community(request, uuid)
    _require_import(request, community)
    data, entry = _unstash(request, community, key)
    confirm = request.method == "POST"
    try:
        report = import_roster(
            actor=request.user, community=community, file=data, dry_run=not confirm
        )
    except NotAllowed as exc:
        raise PermissionDenied from exc
    except ActionError as exc:
        return render(
            request,
            "people/roster_preview.html",
            {
                "section": "people",
                "community": community,
                "key": key,
                "filename": entry["filename"],
                "failure": exc.message,
            },
            status=400,
        )
    if confirm and report.written:
        _drop(request, key)
        results = request.session.get(SESSION_RESULTS, {})
        results = dict(list(results.items())[-4:])  # keep the last few
        results[key] = {
            "community": str(community.uuid),
            "report": report.as_dict(),
            "filename": entry["filename"],
        }
        request.session[SESSION_RESULTS] = results
        return redirect("people:roster-result", uuid=community.uuid, key=key)
    return render(
        request,
        "people/roster_preview.html",
        {
            "section": "people",
            "community": community,
            "key": key,
            "filename": entry["filename"],
            "report": report,
            "errors": report.errors[:ERRORS_SHOWN],
            "errors_hidden": max(len(report.errors) - ERRORS_SHOWN, 0),
            "confirmed": confirm,
        },
        status=400 if confirm else 200,
    )


@login_required
def roster_result(request: HttpRequest, uuid: Any, key: str) -> HttpResponse:
    community = _community(request, uuid)
    entry = request.session.get(SESSION_RESULTS, {}).get(key)
    if not entry or entry["community"] != str(community.uuid):
        raise Http404
    return render(
        request,
        "people/roster_result.html",
        {
            "section": "people",
            "community": community,
            "filename": entry["filename"],
            "report": ImportReport.from_dict(entry["report"]),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def roster_export(request: HttpRequest, uuid: Any, fmt: str) -> HttpResponse:
    """GET: masked numbers. POST with clear=1: clear numbers where the user may reveal them
    (a POST, so that no link prefetch reveals anything); the export is recorded."""
    if fmt not in ("xlsx", "csv"):
        raise Http404
    community = _community(request, uuid)
    clear = request.method == "POST" and request.POST.get("clear") == "1"
    if clear and not _overlaps(request.user, REVEAL_PII, community):
        raise PermissionDenied
    export = export_roster(actor=request.user, community=community, fmt=fmt, clear=clear)
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = content_disposition_header(True, export.filename)
    return response


@login_required
def roster_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(template_workbook(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, "居民花名册模板.xlsx")
    return response


@login_required
@require_POST
def roster_cancel(request: HttpRequest, uuid: Any, key: str) -> HttpResponse:
    community = _community(request, uuid)
    _drop(request, key)
    return redirect(reverse("people:roster", kwargs={"uuid": community.uuid}))
