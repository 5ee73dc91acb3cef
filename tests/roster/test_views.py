"""The roster pages over HTTP: upload → preview → confirm → result, exports, template, access."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cogov.core.models import AuditLog
from cogov.people.models import Person

from .helpers import new_id, read_xlsx, row, to_csv, to_xlsx


@pytest.fixture(autouse=True)
def private_dir(settings, tmp_path):
    """Uploads waiting for confirmation go to DATA_DIR/private: a fresh one per test."""
    settings.DATA_DIR = tmp_path
    return tmp_path / "private" / "roster-uploads"


def _roster_url(world, community: str = "C1") -> str:
    return reverse("people:roster", kwargs={"uuid": world.nodes[community].uuid})


def _upload(client, url: str, data: bytes, name: str = "roster.xlsx"):
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


def test_upload_preview_confirm_result(world, client_for, private_dir):
    client = client_for("community_worker")
    url = _roster_url(world)
    page = client.get(url)
    assert page.status_code == 200
    assert b'data-testid="upload-form"' in page.content

    rows = [
        row(1),
        row(2),
        row(3, id_number=world.people["G11-1-101-户主"].id_number, door="1-101"),
    ]
    response = _upload(client, url, to_xlsx(rows))
    assert response.status_code == 302
    preview_url = response["Location"]
    assert "/preview/" in preview_url

    (stored,) = private_dir.iterdir()  # kept on the server, readable by its user only
    assert stored.stat().st_mode & 0o777 == 0o600

    preview = client.get(preview_url)
    assert preview.status_code == 200
    html = preview.content.decode()
    assert re.search(r'data-testid="created">2<', html)
    assert re.search(r'data-testid="households">1<', html)
    assert 'data-testid="confirm"' in html
    assert not Person.objects.filter(id_number=new_id(1)).exists()  # a preview writes nothing

    done = client.post(preview_url)
    assert done.status_code == 302 and "/result/" in done["Location"]
    assert Person.objects.filter(id_number__in=[new_id(1), new_id(2)]).count() == 2
    result = client.get(done["Location"])
    assert result.status_code == 200 and re.search(
        r'data-testid="created">2<', result.content.decode()
    )
    assert (
        AuditLog.objects.filter(action="roster.import", actor=world.community_worker).count() == 1
    )
    # The upload is gone after confirmation: confirming twice is impossible.
    assert not list(private_dir.iterdir())
    assert client.post(preview_url).status_code == 404


def test_preview_lists_errors_and_confirm_writes_nothing(world, client_for):
    client = client_for("community_worker")
    rows = [row(1), row(2, 手机号="12"), row(3, building="B-G31")]
    response = _upload(client, _roster_url(world), to_csv(rows, "gb18030"), "名单.csv")
    preview_url = response["Location"]
    html = client.get(preview_url).content.decode()
    assert "GB18030" in html
    errors = re.findall(r'<tr data-testid="error"><td>(\d+)</td><td>([^<]*)</td>', html)
    assert errors == [("3", "手机号"), ("4", "楼栋")]
    assert 'data-testid="confirm"' not in html
    before = Person.objects.count()
    response = client.post(preview_url)
    assert response.status_code == 400
    assert Person.objects.count() == before


def test_unreadable_file_is_refused_on_the_form(world, client_for):
    client = client_for("community_worker")
    response = _upload(client, _roster_url(world), b"\xd0\xcf\x11\xe0old excel", "old.xls")
    assert response.status_code == 200
    assert b'data-testid="upload-error"' in response.content
    response = _upload(client, _roster_url(world), b"\xd0\xcf\x11\xe0old excel", "old.csv")
    assert b".xls" in response.content


def test_upload_key_is_bound_to_the_session(world, client_for):
    client = client_for("community_worker")
    preview_url = _upload(client, _roster_url(world), to_csv([row(1)]))["Location"]
    other = client_for("party_secretary")  # allowed to import, but not this upload
    assert other.get(preview_url).status_code == 404
    assert other.post(preview_url).status_code == 404
    forged = re.sub(r"/preview/[0-9a-f]+/", "/preview/" + "0" * 32 + "/", preview_url)
    assert client.get(forged).status_code == 404
    assert not Person.objects.filter(id_number=new_id(1)).exists()


def test_upload_is_bound_to_the_community(world, client_for):
    client = client_for("admin")
    preview_url = _upload(client, _roster_url(world), to_csv([row(1)]))["Location"]
    elsewhere = preview_url.replace(str(world.C1.uuid), str(world.C2.uuid))
    assert client.get(elsewhere).status_code == 404


@pytest.mark.parametrize(
    "persona", ["community_worker_c2", "street_official_s2", "resident", "outsider"]
)
def test_other_community_answers_404(world, client_for, persona):
    client = client_for(persona)
    c1 = world.C1.uuid
    assert client.get(_roster_url(world)).status_code == 404
    assert _upload(client, _roster_url(world), to_csv([row(1)])).status_code == 404
    assert (
        client.get(reverse("people:roster-export", kwargs={"uuid": c1, "fmt": "xlsx"})).status_code
        == 404
    )
    preview = reverse("people:roster-preview", kwargs={"uuid": c1, "key": "0" * 32})
    assert client.get(preview).status_code == 404
    assert not Person.objects.filter(id_number=new_id(1)).exists()


def test_grid_worker_may_export_but_not_import(world, client_for):
    client = client_for("grid_worker")
    page = client.get(_roster_url(world))
    assert page.status_code == 200 and b'data-testid="upload-form"' not in page.content
    assert _upload(client, _roster_url(world), to_csv([row(1)])).status_code == 403
    export = client.get(
        reverse("people:roster-export", kwargs={"uuid": world.C1.uuid, "fmt": "csv"})
    )
    assert export.status_code == 200
    assert not Person.objects.filter(id_number=new_id(1)).exists()


def test_exports_masked_by_get_clear_by_post(world, client_for):
    client = client_for("community_worker")
    url = reverse("people:roster-export", kwargs={"uuid": world.C1.uuid, "fmt": "xlsx"})
    masked = client.get(url)
    assert masked.status_code == 200
    assert masked["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in masked["Content-Disposition"]
    person = world.people["G11-1-101-户主"]
    ids = {r[1] for r in read_xlsx(masked.content)[1:]}
    assert person.masked_id_number in ids and person.id_number not in ids
    assert not AuditLog.objects.filter(action="roster.export").exists()

    clear = client.post(url, {"clear": "1"})
    assert person.id_number in {r[1] for r in read_xlsx(clear.content)[1:]}
    assert (
        AuditLog.objects.filter(action="roster.export", actor=world.community_worker).count() == 1
    )

    csv = client.get(reverse("people:roster-export", kwargs={"uuid": world.C1.uuid, "fmt": "csv"}))
    assert csv.content.startswith(b"\xef\xbb\xbf")


def test_template_download(world, client_for):
    response = client_for("community_worker").get(reverse("people:roster-template"))
    assert response.status_code == 200
    assert read_xlsx(response.content)[0][0] == "姓名"


def test_roster_index_redirects_to_the_only_community(world, client_for):
    response = client_for("community_worker").get(reverse("people:roster-index"))
    assert response.status_code == 302
    assert response["Location"] == _roster_url(world)
    assert client_for("outsider").get(reverse("people:roster-index")).status_code == 404


def test_street_official_exports_masked_only(world, client_for):
    client = client_for("street_official")
    page = client.get(_roster_url(world))
    assert page.status_code == 200
    assert b'data-testid="upload-form"' not in page.content
    assert b'data-testid="export-xlsx-clear"' not in page.content
    url = reverse("people:roster-export", kwargs={"uuid": world.C1.uuid, "fmt": "csv"})
    assert client.get(url).status_code == 200
    assert client.post(url, {"clear": "1"}).status_code == 403
    assert not AuditLog.objects.filter(action="roster.export").exists()


def test_a_changed_stored_upload_is_refused(world, client_for, private_dir):
    client = client_for("community_worker")
    preview_url = _upload(client, _roster_url(world), to_csv([row(1)]))["Location"]
    (stored,) = private_dir.iterdir()
    stored.write_bytes(to_csv([row(1), row(2)]))
    assert client.get(preview_url).status_code == 404
    assert client.post(preview_url).status_code == 404
    assert not Person.objects.filter(id_number__in=[new_id(1), new_id(2)]).exists()
