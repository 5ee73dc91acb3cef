"""The Simplified Chinese catalogs are complete, compiled, and what the pages actually show.

Each translator adds the app labels they finished to TRANSLATED_APPS (PROJECT_CATALOG is the
catalog of strings outside the apps, cogov/locale). For every listed catalog:

- no entry is untranslated or fuzzy (fuzzy entries are ignored at run time);
- the committed .mo holds exactly the .po's entries (someone edited the .po and forgot
  `compilemessages`, or the reverse, and the page would show other text than the .po says);
- the placeholders of each msgstr are those of its msgid;
- at run time the entry translates to its own msgstr: Django merges all catalogs and the app
  listed first in INSTALLED_APPS (Django's and allauth's included) wins a shared msgid, so a
  generic msgid such as "Sign in" can silently show another app's 签到. Give such strings a
  context (`pgettext`, `{% translate "…" context "…" %}`) instead.
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.utils import translation

TRANSLATED_APPS = [
    "web",
    "core",
    "accounts",
    "people",
    "territory",
    "demo",
    "cases",
    "open311",
    "voting",
    "deliberation",
    "campaigns",
    "organizations",
    "points",
    "cooperation",
    "assessment",
    "funds",
    "budgeting",
    "disclosure",
]
PROJECT_CATALOG = "locale"  # under BASE_DIR (cogov/): strings outside the apps (config, lib)
LANGUAGE = "zh_Hans"


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid


_FIELD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file (header and obsolete `#~` entries left out)."""
    entries: list[Entry] = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        entry = Entry()
        target: tuple[str, int] | None = None
        seen = False
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#,"):
                entry.flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            elif line.startswith("#") or not line:
                continue
            elif m := _FIELD.match(line):
                seen = True
                name, index, text = m.group(1), m.group(2), ast.literal_eval(m.group(3))
                if name.startswith("msgstr"):
                    target = ("msgstr", int(index or 0))
                    entry.msgstr[target[1]] = text
                else:
                    target = (name, 0)
                    setattr(entry, name, text)
            elif line.startswith('"') and target is not None:
                text = ast.literal_eval(line)
                if target[0] == "msgstr":
                    entry.msgstr[target[1]] += text
                else:
                    setattr(entry, target[0], (getattr(entry, target[0]) or "") + text)
        if seen and entry.msgid != "":
            entries.append(entry)
    return entries


def _locale_dirs() -> list[tuple[str, Path]]:
    dirs = [(label, Path(apps.get_app_config(label).path) / "locale") for label in TRANSLATED_APPS]
    dirs.append(("project", Path(settings.BASE_DIR) / PROJECT_CATALOG))
    return dirs


CATALOGS = _locale_dirs()
CATALOG_IDS = [label for label, _ in CATALOGS]


def test_project_catalog_is_in_locale_paths() -> None:
    assert Path(settings.BASE_DIR) / PROJECT_CATALOG in [Path(p) for p in settings.LOCALE_PATHS]


def _po(locale_dir: Path) -> Path:
    return locale_dir / LANGUAGE / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize(("label", "locale_dir"), CATALOGS, ids=CATALOG_IDS)
def test_catalog_is_complete(label: str, locale_dir: Path) -> None:
    po = _po(locale_dir)
    assert po.exists(), f"{label}: no catalog at {po}; run makemessages -l {LANGUAGE}"
    entries = parse_po(po)
    assert entries, f"{label}: the catalog is empty"
    untranslated = [e.msgid for e in entries if not all(s.strip() for s in e.msgstr.values())]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert not untranslated, f"{label}: untranslated entries: {untranslated}"
    assert not fuzzy, f"{label}: fuzzy entries: {fuzzy}"


_PLACEHOLDER = re.compile(r"%\(\w+\)[sdfir]|%[sdfir]|\{\w*\}")


@pytest.mark.parametrize(("label", "locale_dir"), CATALOGS, ids=CATALOG_IDS)
def test_placeholders_are_kept(label: str, locale_dir: Path) -> None:
    wrong = []
    for e in parse_po(_po(locale_dir)):
        wanted = set(_PLACEHOLDER.findall(e.msgid)) | set(
            _PLACEHOLDER.findall(e.msgid_plural or "")
        )
        for text in e.msgstr.values():
            if set(_PLACEHOLDER.findall(text)) != wanted:
                wrong.append((e.msgid, text))
    assert not wrong, f"{label}: placeholders differ: {wrong}"


@pytest.mark.parametrize(("label", "locale_dir"), CATALOGS, ids=CATALOG_IDS)
def test_mo_is_compiled_from_po(label: str, locale_dir: Path) -> None:
    po = _po(locale_dir)
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{label}: {mo} is missing; run compilemessages -l {LANGUAGE}"
    with mo.open("rb") as f:
        catalog = gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
    compiled: dict[str, str] = {}
    for key, value in catalog.items():
        if key == "":
            continue
        if isinstance(key, tuple):  # plural: (msgid, n)
            compiled[f"{key[0]}[{key[1]}]"] = value
        else:
            compiled[key] = value
    expected: dict[str, str] = {}
    for e in parse_po(po):
        if e.msgid_plural is not None:
            for n, text in e.msgstr.items():
                expected[f"{e.key}[{n}]"] = text
        else:
            expected[e.key] = e.msgstr[0]
    stale = sorted(
        k for k in expected.keys() | compiled.keys() if expected.get(k) != compiled.get(k)
    )
    assert not stale, f"{label}: the .mo differs from the .po (run compilemessages): {stale[:10]}"


@pytest.mark.parametrize(("label", "locale_dir"), CATALOGS, ids=CATALOG_IDS)
def test_entries_are_not_shadowed_at_run_time(label: str, locale_dir: Path) -> None:
    shadowed = []
    with translation.override("zh-hans"):
        for e in parse_po(_po(locale_dir)):
            if e.msgid_plural is not None:
                shown = (
                    translation.npgettext(e.msgctxt, e.msgid, e.msgid_plural, 1)
                    if e.msgctxt is not None
                    else translation.ngettext(e.msgid, e.msgid_plural, 1)
                )
            elif e.msgctxt is not None:
                shown = translation.pgettext(e.msgctxt, e.msgid)
            else:
                shown = translation.gettext(e.msgid)
            if shown != e.msgstr[0]:
                shadowed.append(f"{e.msgid!r}: {e.msgstr[0]!r} shows as {shown!r}")
    assert not shadowed, (
        f"{label}: another catalog earlier in INSTALLED_APPS translates these msgids; "
        f"give them a context (pgettext / translate … context) or use the same text: {shadowed}"
    )


def test_parser_sees_untranslated_and_fuzzy(tmp_path: Path) -> None:
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr "Language: zh_Hans\\n"\n\n'
        'msgid "Done"\nmsgstr "完成"\n\n'
        '#, fuzzy\nmsgid "Guess"\nmsgstr "猜"\n\n'
        'msgid "Empty"\nmsgstr ""\n\n'
        'msgid "One file"\nmsgid_plural "%(n)s files"\nmsgstr[0] ""\n"%(n)s 个文件"\n',
        encoding="utf-8",
    )
    entries = {e.msgid: e for e in parse_po(po)}
    assert set(entries) == {"Done", "Guess", "Empty", "One file"}
    assert "fuzzy" in entries["Guess"].flags
    assert entries["Empty"].msgstr == {0: ""}
    assert entries["One file"].msgstr == {0: "%(n)s 个文件"}


def test_login_page_is_chinese_by_default_and_english_after_switching() -> None:
    # No database: neither the anonymous login page nor set_language (a cookie) reads one.
    client = Client()
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="zh-hans">' in page
    assert "<h1>登录</h1>" in page
    assert "用户名" in page
    assert "Sign in" not in page

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert '<html lang="en">' in page
    assert "<h1>Sign in</h1>" in page
    assert "Username" in page
    assert "登录" not in page


def test_the_browser_language_does_not_override_chinese() -> None:
    # An English-language browser still gets Chinese until the user picks English.
    page = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get("/accounts/login/").content.decode()
    assert '<html lang="zh-hans">' in page and "<h1>登录</h1>" in page
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-CN")
    client.cookies["django_language"] = "en"
    assert "<h1>Sign in</h1>" in client.get("/accounts/login/").content.decode()
