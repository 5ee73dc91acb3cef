"""`cogov import_roster FILE --community CODE --user USERNAME [--dry-run]`."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cogov.people.models import Person

from .helpers import new_id, row, to_csv, to_xlsx


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_roster", *args, stdout=out)
    return out.getvalue()


def test_dry_run_then_import(world, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(to_csv([row(1), row(2)], "gb18030"))
    out = _run(str(path), "--community", "440111001001", "--user", "community_worker", "--dry-run")
    assert "GB18030" in out and "new 2" in out and "nothing was written" in out
    assert not Person.objects.filter(id_number=new_id(1)).exists()
    out = _run(str(path), "--community", "440111001001", "--user", "community_worker")
    assert "imported" in out
    assert Person.objects.filter(id_number__in=[new_id(1), new_id(2)]).count() == 2


def test_errors_fail_the_command_and_are_masked(world, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(to_xlsx([row(1), row(2, 手机号="13900001111x")]))
    out = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(
            "import_roster",
            str(path),
            "--community",
            "440111001001",
            "--user",
            "community_worker",
            stdout=out,
        )
    assert "3\t手机号" in out.getvalue()
    assert "13900001111" not in out.getvalue()
    assert not Person.objects.filter(id_number=new_id(1)).exists()


def test_refuses_users_without_permission_and_unknown_community(world, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(to_csv([row(1)]))
    with pytest.raises(CommandError):
        _run(str(path), "--community", "440111001001", "--user", "grid_worker")
    with pytest.raises(CommandError, match="no community"):
        _run(str(path), "--community", "440111001001001", "--user", "community_worker")
    assert not Person.objects.filter(id_number=new_id(1)).exists()
