"""The funds API (/api/funds/), the pages and the audit export, with permissions per role."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from cogov.funds import actions
from cogov.funds.models import Fund, JournalEntry
from cogov.funds.selectors import balances
from tests.world import PERSONAS

from .conftest import YEAR, D

API = "/api/funds"


def _line(world, fund, amount="100000", **kw):
    return actions.open_project_budget(
        actor=world.users["party_secretary"],
        fund=fund,
        title=kw.get("title", "楼道粉刷"),
        kind="works",
        amount=D(amount),
        source_app="budgeting",
        source_ref=kw.get("ref", "p-1"),
        decided_by_residents=True,
        occurred_on=dt.date(YEAR, 3, 1),
    )


def test_the_whole_flow_through_the_api(world, client_for):
    c = client_for("community_worker")
    r = c.post(
        f"{API}/funds",
        {"community": str(world.nodes["C1"].uuid), "kind": "micro_project", "year": YEAR},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    fund = r.json()["uuid"]
    r = c.post(
        f"{API}/funds/{fund}/allocate",
        {"amount": "2000000", "occurred_on": f"{YEAR}-01-10", "voucher_no": "拨-1"},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert {(ln["source"], ln["credit"]) for ln in r.json()["lines"] if ln["credit"] != "0.00"} == {
        ("city", "1000000.00"),
        ("district", "1000000.00"),
    }
    r = c.post(
        f"{API}/funds/{fund}/budgets",
        {"title": "长者饭堂", "kind": "service", "amount": "600000", "source_ref": "x"},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["code"] == "over_cap" and r.json()["field"] == "amount"
    r = c.post(
        f"{API}/funds/{fund}/budgets",
        {"title": "长者饭堂", "kind": "service", "amount": "300000", "decided_by_residents": True},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    budget = r.json()["uuid"]
    r = c.post(
        f"{API}/budgets/{budget}/pay",
        {"amount": "120000.50", "payee": "某社工机构", "voucher_no": "付-7"},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    r = c.post(
        f"{API}/budgets/{budget}/refund",
        {"amount": "0.50", "voucher_no": "退-1"},
        content_type="application/json",
    )
    assert r.status_code == 200
    refund = r.json()["uuid"]
    r = c.post(
        f"{API}/budgets/{budget}/release", {"amount": "80000"}, content_type="application/json"
    )
    assert r.status_code == 200
    detail = c.get(f"{API}/funds/{fund}").json()
    assert detail["balances"] == {
        "allocated": "2000000.00",
        "available": "1780000.50",
        "committed": "99999.50",
        "spent": "120000.00",
        "returned": "0.00",
        "carried_out": "0.00",
    }
    assert detail["budgets"][0]["paid"] == "120000.00"
    # A community worker may not reverse (the party secretary or the street may).
    r = c.post(
        f"{API}/entries/{refund}/reverse", {"reason": "错付"}, content_type="application/json"
    )
    assert r.status_code == 403
    r = client_for("party_secretary").post(
        f"{API}/entries/{refund}/reverse", {"reason": "错付"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["kind"] == "reversal"
    journal = c.get(f"{API}/funds/{fund}/journal").json()
    assert [e["kind"] for e in journal] == [
        "allocation",
        "commitment",
        "payment",
        "refund",
        "release",
        "reversal",
    ]
    assert all(
        sum(D(ln["debit"]) for ln in e["lines"]) == sum(D(ln["credit"]) for ln in e["lines"])
        for e in journal
    )


def test_read_access_per_role(world, client_for, fund):
    _line(world, fund)
    for persona, _role, _scope in PERSONAS:
        c = client_for(persona)
        summary = c.get(f"{API}/funds/{fund.uuid}").status_code
        journal = c.get(f"{API}/funds/{fund.uuid}/journal").status_code
        export = c.get(f"{API}/funds/{fund.uuid}/export?format=csv").status_code
        staff = persona in {
            "admin",
            "evaluator",
            "street_official",
            "party_secretary",
            "community_worker",
        }
        assert summary == (404 if persona == "outsider" else 200), persona
        assert journal == (200 if staff else 404), persona
        assert export == journal, persona


def test_write_access_per_role(world, client_for, fund):
    budget = _line(world, fund)
    may_commit = {"admin", "street_official", "party_secretary", "community_worker"}
    may_pay = {"admin", "party_secretary", "community_worker"}
    for i, (persona, _role, _scope) in enumerate(PERSONAS):
        c = client_for(persona)
        r = c.post(
            f"{API}/funds/{fund.uuid}/budgets",
            {"title": f"t{i}", "kind": "goods", "amount": "1"},
            content_type="application/json",
        )
        want = 200 if persona in may_commit else (404 if persona == "outsider" else 403)
        assert r.status_code == want, (persona, r.content)
        r = c.post(
            f"{API}/budgets/{budget.uuid}/pay",
            {"amount": "1", "payee": "p", "voucher_no": "v"},
            content_type="application/json",
        )
        want = 200 if persona in may_pay else (404 if persona == "outsider" else 403)
        assert r.status_code == want, (persona, r.content)
    # Outside their scope: the other community's worker and the other street's official.
    for persona in ("community_worker_c2", "street_official_s2"):
        r = client_for(persona).post(
            f"{API}/funds/{fund.uuid}/allocate", {"amount": "1"}, content_type="application/json"
        )
        assert r.status_code == 403, persona


def test_export_csv_and_xlsx_have_running_balances(world, client_for, fund):
    budget = _line(world, fund, "100000")
    staff = world.users["party_secretary"]
    actions.pay(
        actor=staff,
        budget=budget,
        amount=D("30000"),
        payee="=cmd()",
        voucher_no="付-1",
        occurred_on=dt.date(YEAR, 5, 1),
    )
    c = client_for("street_official")
    r = c.get(f"/funds/{fund.uuid}/export/?format=csv")
    assert r.status_code == 200
    body = r.content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 4  # header + allocation, commitment, payment
    last = rows[-1]
    assert "'=cmd()" in last  # a formula is neutralised
    assert last[-7:-1] == ["1000000.00", "900000.00", "70000.00", "30000.00", "0.00", "0.00"]
    # A period: only May, the opening balances carried in.
    r = c.get(f"/funds/{fund.uuid}/export/?format=csv&start={YEAR}-05-01&end={YEAR}-05-31")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][-7:-1] == last[-7:-1]
    r = c.get(f"/funds/export/?community={world.nodes['C1'].uuid}&year={YEAR}&format=xlsx")
    assert r.status_code == 200
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 4
    assert float(values[-1][-6]) == 900000.0  # available after
    assert client_for("resident").get(f"/funds/{fund.uuid}/export/?format=csv").status_code == 404


def test_pages(world, client_for, fund, english):
    budget = _line(world, fund)
    c = client_for("party_secretary")
    r = c.get(f"/funds/?year={YEAR}")
    assert r.status_code == 200 and fund.community.name in r.content.decode()
    r = c.get(f"/funds/{fund.uuid}/")
    page = r.content.decode()
    assert r.status_code == 200
    assert "Reconciled to the cent" in page and budget.title in page and "Reverse" in page
    assert "export-form" in page
    r = c.post(
        f"/funds/budgets/{budget.uuid}/pay/",
        {"amount": "1000", "payee": "某公司", "voucher_no": "付-9", "occurred_on": f"{YEAR}-06-01"},
        follow=True,
    )
    assert "The payment is recorded." in r.content.decode()
    r = c.post(
        f"/funds/{fund.uuid}/budget/",
        {"title": "x", "kind": "works", "amount": "2000000"},
        follow=True,
    )
    assert "over the cap" in r.content.decode()
    entry = JournalEntry.objects.filter(fund=fund, kind="payment").get()
    r = c.post(
        f"/funds/{fund.uuid}/reverse/", {"entry": str(entry.uuid), "reason": "错"}, follow=True
    )
    assert "The entry is reversed." in r.content.decode()
    assert balances(fund).spent == 0
    # A resident sees the summary, not the journal or the forms.
    page = client_for("resident").get(f"/funds/{fund.uuid}/").content.decode()
    assert budget.title in page and "Journal" not in page and "某公司" not in page
    assert client_for("outsider").get(f"/funds/{fund.uuid}/").status_code == 404


def test_create_fund_page(world, client_for):
    c = client_for("community_worker")
    r = c.post(
        "/funds/new/",
        {"community": str(world.nodes["C1"].uuid), "kind": "charity", "year": str(YEAR)},
    )
    fund = Fund.objects.get(kind="charity")
    assert r.status_code == 302 and r["Location"].endswith(f"/funds/{fund.uuid}/")
    assert fund.sources == [{"level": "donor", "share": "100.00"}]
    r = client_for("community_worker_c2").post(
        "/funds/new/",
        {"community": str(world.nodes["C1"].uuid), "kind": "other", "year": str(YEAR)},
    )
    assert r.status_code == 404 and not Fund.objects.filter(kind="other").exists()


@pytest.mark.parametrize("persona", ["resident", "volunteer", "grid_worker"])
def test_navigation_shows_funds(world, client_for, persona):
    page = client_for(persona).get("/funds/").content.decode()
    assert 'href="/funds/"' in page
