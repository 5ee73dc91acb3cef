"""Resident roster import (居民花名册导入): the Excel or CSV files community workers keep.

`import_roster(actor=..., community=..., file=...|rows=..., dry_run=...)` reads a roster,
checks every row and column, and only when no row has an error creates and updates the
residents of the community in one transaction. The columns, encodings and errors are
described for users in docs/recipes/import-a-roster.md.

Personal values (identity numbers, phones, birth dates) are masked in every error and never
logged. The import costs a fixed number of queries whatever the number of rows (bulk reads,
bulk writes in batches).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cogov.core.audit import record
from cogov.core.errors import ActionError, NotAllowed
from cogov.lib import idnumber
from cogov.territory.models import Building, Household, Level, Node

from .models import Gender, Person
from .roster_format import (
    COLUMN_BY_KEY,
    EXAMPLE_ID_NUMBER,
    GENDER_ZH,
    GENDERS,
    LANDLINE,
    MOBILE,
    TAG_NAMES_ZH,
    TAG_ORDER,
    TAG_SPLIT,
    RowError,
    Sheet,
    map_headers,
    mask_value,
    norm,
    normalize_phone,
    parse_date,
    read_sheet,
    sheet_from_rows,
    tag_lookup,
)
from .search import index_text

READ_CHUNK = 2_000  # identity numbers per lookup query
_PERSON_FIELDS = (
    "pk",
    "id_number",
    "name",
    "gender",
    "birth_date",
    "phone",
    "household_id",
    "grid_id",
    "relation",
    "tags",
    "search_text",
)
WRITE_BATCH = 1_000

_ID_REASONS = {
    "must be 17 digits followed by a digit or X": gettext_lazy(
        "an identity number is 17 digits followed by a digit or X"
    ),
    "the birth date in positions 7–14 is not a date": gettext_lazy(
        "the birth date in the identity number (positions 7–14) is not a real date"
    ),
    "the check digit does not match": gettext_lazy(
        "the last character (check digit) does not match; a digit is probably mistyped"
    ),
}


@dataclass
class ImportReport:
    community: str = ""
    format: str = ""  # "xlsx", "csv" or "rows"
    encoding: str = ""  # for CSV: "UTF-8", "UTF-8 with BOM", "GB18030" or "UTF-16"
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    households_created: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = True
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ImportReport:
        values = dict(data)
        values["errors"] = [RowError(**e) for e in values.get("errors", [])]
        return cls(**values)


@dataclass
class CleanRow:
    row: int
    name: str
    id_number: str
    phone: str
    gender: str
    birth_date: dt.date
    building: Building
    door: str
    relation: str
    tags: list[str]


class _RowChecker:
    """Checks one data row at a time against the community's buildings."""

    def __init__(
        self, sheet: Sheet, mapping: dict[str, int], community: Node, buildings: list[Building]
    ) -> None:
        self.sheet = sheet
        self.mapping = mapping
        self.community = community
        self.by_code = {norm(b.code).casefold(): b for b in buildings}
        self.by_name: dict[str, list[Building]] = {}
        for b in buildings:
            self.by_name.setdefault(norm(b.name).casefold(), []).append(b)
        self.tags = tag_lookup()
        self.errors: list[RowError] = []
        self.valid_id: str | None = None  # the valid identity number of the last row checked

    def error(self, row: int, key: str, value: str, reason: str) -> None:
        index = self.mapping.get(key)
        header = self.sheet.headers[index] if index is not None else COLUMN_BY_KEY[key].header
        self.errors.append(RowError(row, header, mask_value(key, value), reason))

    def check(self, number: int, cells: list[str]) -> CleanRow | None:
        def get(key: str) -> str:
            index = self.mapping.get(key)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        before = len(self.errors)
        name = get("name")
        if not name:
            self.error(number, "name", name, _("the name is empty"))
        elif len(name) > 50:
            self.error(number, "name", name, _("the name is longer than 50 characters"))

        id_number = norm(get("id_number")).upper()
        id_ok = False
        self.valid_id = None
        if not id_number:
            self.error(number, "id_number", id_number, _("the identity number is empty"))
        elif "×" in id_number or "*" in id_number:
            self.error(
                number,
                "id_number",
                id_number,
                _(
                    "the identity number is masked; import needs the full number "
                    "(export with clear values to re-import a roster)"
                ),
            )
        elif id_number == EXAMPLE_ID_NUMBER:
            self.error(
                number,
                "id_number",
                id_number,
                _("this is the example row of the template; delete it before importing"),
            )
        elif (reason := idnumber.validate(id_number)) is not None:
            text = str(_ID_REASONS.get(reason, reason))
            if (number, self.mapping["id_number"]) in self.sheet.numeric:
                text += _(
                    " (Excel stored it as a number, which loses digits: format the column "
                    "as text and type the numbers again)"
                )
            self.error(number, "id_number", id_number, text)
        else:
            id_ok = True
            self.valid_id = id_number

        phone = normalize_phone(get("phone"))
        if "×" in phone or "*" in phone:
            self.error(
                number,
                "phone",
                phone,
                _("the phone number is masked; import needs the full number"),
            )
        elif phone and not (MOBILE.match(phone) or LANDLINE.match(phone)):
            self.error(
                number,
                "phone",
                phone,
                _(
                    "not a phone number: write an 11-digit mobile number (e.g. 13912345678) or a "
                    "landline with area code (e.g. 020-12345678)"
                ),
            )

        gender = birth = None
        if id_ok:
            gender, birth = idnumber.gender(id_number), idnumber.birth_date(id_number)
            given = get("gender")
            if given:
                parsed = GENDERS.get(norm(given).casefold())
                if parsed is None:
                    self.error(number, "gender", given, _("write 男 or 女 (or M / F)"))
                elif parsed != gender:
                    self.error(
                        number,
                        "gender",
                        given,
                        _("does not agree with the identity number, which says %(gender)s")
                        % {"gender": GENDER_ZH[Gender(gender)]},
                    )
            given = get("birth_date")
            if given:
                parsed_date = parse_date(given)
                if parsed_date is None:
                    self.error(number, "birth_date", given, _("not a date; write it as 1980-05-17"))
                elif parsed_date != birth:
                    self.error(
                        number,
                        "birth_date",
                        given,
                        _("does not agree with the birth date in the identity number"),
                    )

        building_text = get("building")
        building = None
        if not building_text:
            self.error(number, "building", building_text, _("the building is empty"))
        else:
            key = norm(building_text).casefold()
            building = self.by_code.get(key)
            if building is None:
                named = self.by_name.get(key, [])
                if len(named) == 1:
                    building = named[0]
                elif named:
                    self.error(
                        number,
                        "building",
                        building_text,
                        _(
                            "several buildings in this community have this name; "
                            "write the building code instead"
                        ),
                    )
                else:
                    self.error(
                        number,
                        "building",
                        building_text,
                        _("there is no building with this code or name in %(community)s")
                        % {"community": self.community.name},
                    )

        door = norm(get("door"))
        if not door:
            self.error(
                number, "door", door, _("the door is empty (write unit and room, e.g. 2-502)")
            )
        elif len(door) > 32:
            self.error(number, "door", door, _("the door is longer than 32 characters"))

        relation = get("relation")
        if len(relation) > 20:
            self.error(number, "relation", relation, _("the relation is longer than 20 characters"))

        tags: list[str] = []
        tags_text = get("tags")
        for part in TAG_SPLIT.split(norm(tags_text)):
            if not part:
                continue
            tag = self.tags.get(part.casefold())
            if tag is None:
                self.error(
                    number,
                    "tags",
                    tags_text,
                    _("unknown tag “%(tag)s”; the tags are: %(tags)s")
                    % {"tag": part, "tags": "、".join(TAG_NAMES_ZH.values())},
                )
            elif tag not in tags:
                tags.append(tag)
        tags.sort(key=TAG_ORDER.index)

        if len(self.errors) > before or building is None or gender is None or birth is None:
            return None
        return CleanRow(
            number, name, id_number, phone, gender, birth, building, door, relation, tags
        )


# ---------------------------------------------------------------------------------------------
# The action


def _load(file: bytes | IO[bytes] | Path | str) -> bytes:
    if isinstance(file, bytes):
        return file
    if isinstance(file, Path | str):
        return Path(file).read_bytes()
    if hasattr(file, "seek"):
        file.seek(0)
    return file.read()


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _SearchTexts:
    """`index_text([name, building name, door])`, with the words of the building names and doors
    (repeated on many rows) cut once per import: jieba is most of the cost of a large import."""

    def __init__(self) -> None:
        self.parts: dict[str, list[str]] = {}

    def words(self, part: str) -> list[str]:
        if part not in self.parts:
            self.parts[part] = index_text([part]).split(" ") if part else []
        return self.parts[part]

    def __call__(self, name: str, building: Building, door: str) -> str:
        words = index_text([name]).split(" ") + self.words(building.name) + self.words(door)
        return " ".join(dict.fromkeys(w for w in words if w))


def import_roster(
    *,
    actor: Any,
    community: Node,
    file: bytes | IO[bytes] | Path | str | None = None,
    rows: Iterable[Mapping[str, Any]] | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Import a resident roster into `community`: all rows or none.

    Needs `people.import_roster` on the community. Rows whose identity number belongs to a
    resident of this community update that resident; new numbers create residents; a new door
    at an existing building creates the household. When any row has an error, nothing is
    written and the report lists every error. On success one AuditLog "roster.import" row
    records the counts. With `dry_run` nothing is written either way (the preview).
    """
    if community.level != Level.COMMUNITY:
        raise ActionError(_("Rosters are imported into a community."), field="community")
    if not actor.has_perm("people.import_roster", community):
        raise NotAllowed(_("You may not import rosters into this community."))
    if (file is None) == (rows is None):
        raise ActionError("give either file or rows")

    sheet = sheet_from_rows(rows) if rows is not None else read_sheet(_load(file))  # type: ignore[arg-type]
    report = ImportReport(
        community=community.name,
        format=sheet.format,
        encoding=sheet.encoding,
        rows=len(sheet.rows),
        dry_run=dry_run,
    )
    mapping = map_headers(sheet)
    if sheet.errors:
        report.errors = sheet.errors
        return report
    if not sheet.rows:
        report.errors = [RowError(sheet.header_row + 1, "", "", _("the file has no data rows"))]
        return report

    try:
        if dry_run:
            return _run(actor, community, sheet, mapping, report)
        with transaction.atomic():
            return _run(actor, community, sheet, mapping, report)
    except IntegrityError as exc:
        raise ActionError(
            _(
                "The residents changed while the roster was being imported; nothing "
                "was written. Please try again."
            )
        ) from exc


def _run(
    actor: Any, community: Node, sheet: Sheet, mapping: dict[str, int], report: ImportReport
) -> ImportReport:
    buildings = list(Building.objects.within(community).only("pk", "code", "name", "grid_id"))
    checker = _RowChecker(sheet, mapping, community, buildings)
    clean: list[CleanRow] = []
    first_row: dict[str, int] = {}
    for number, cells in sheet.rows:
        row = checker.check(number, cells)
        # Duplicates are reported even on rows with other errors, so one upload shows them all.
        valid_id = checker.valid_id
        if valid_id is not None and valid_id in first_row:
            checker.error(
                number,
                "id_number",
                valid_id,
                _("the same identity number is already on row %(row)d")
                % {"row": first_row[valid_id]},
            )
            continue
        if valid_id is not None:
            first_row[valid_id] = number
        if row is not None:
            clean.append(row)

    existing: dict[str, Person] = {}
    for chunk in _chunks(sorted(first_row), READ_CHUNK):
        for found in Person.objects.filter(id_number__in=chunk).only(*_PERSON_FIELDS):
            existing[found.id_number or ""] = found
    grids = set(Node.objects.within(community).values_list("pk", flat=True))
    for row in clean:
        other = existing.get(row.id_number)
        if other is not None and other.grid_id is not None and other.grid_id not in grids:
            checker.error(
                row.row,
                "id_number",
                row.id_number,
                _(
                    "this identity number belongs to a resident of another community; "
                    "that community must move the resident out first"
                ),
            )

    if checker.errors:
        report.errors = sorted(
            checker.errors, key=lambda e: (e.row, _column_order(sheet, e.column))
        )
        return report

    households = {
        (h.building_id, norm(h.door)): h
        for h in Household.objects.filter(building__in=[b.pk for b in buildings]).only(
            "pk", "building_id", "door", "code"
        )
    }
    new_doors: dict[tuple[int, str], Building] = {}
    for row in clean:
        if (row.building.pk, row.door) not in households:
            new_doors.setdefault((row.building.pk, row.door), row.building)
    report.households_created = len(new_doors)

    now = timezone.now()
    to_create: list[Person] = []
    to_update: list[tuple[Person, CleanRow]] = []
    for row in clean:
        if row.id_number not in existing:
            report.created += 1
            continue
        person = existing[row.id_number]
        household = households.get((row.building.pk, row.door))
        values = {
            "name": row.name,
            "gender": row.gender,
            "birth_date": row.birth_date,
            "phone": row.phone,
            "household_id": household.pk if household else None,
            "grid_id": row.building.grid_id,
            "relation": row.relation,
            "tags": row.tags,
        }
        changed = household is None or any(getattr(person, k) != v for k, v in values.items())
        if changed:
            report.updated += 1
        else:
            report.unchanged += 1
            if person.search_text:
                continue
            # unchanged, but never indexed for search: indexed silently below
        for k, v in values.items():
            setattr(person, k, v)
        person.updated_at = now
        to_update.append((person, row))

    if report.dry_run:
        return report

    # Writes: households first (their ids are needed), then residents, then the audit row.
    if new_doors:
        codes = _household_codes(new_doors)
        created = Household.objects.bulk_create(
            [
                Household(building=b, door=door, code=codes[(bid, door)])
                for (bid, door), b in new_doors.items()
            ],
            batch_size=WRITE_BATCH,
        )
        if any(h.pk is None for h in created):  # databases that do not return ids
            by_code: dict[str, Household] = {}
            for chunk in _chunks(list(codes.values()), READ_CHUNK):
                by_code.update((h.code, h) for h in Household.objects.filter(code__in=chunk))
            created = [by_code[h.code] for h in created]
        for h in created:
            households[(h.building_id, h.door)] = h
        for person, row in to_update:
            person.household_id = households[(row.building.pk, row.door)].pk
    search_text = _SearchTexts()
    for person, row in to_update:
        person.search_text = search_text(row.name, row.building, row.door)
    for row in clean:
        if row.id_number not in existing:
            to_create.append(
                Person(
                    name=row.name,
                    gender=row.gender,
                    birth_date=row.birth_date,
                    id_number=row.id_number,
                    phone=row.phone,
                    household=households[(row.building.pk, row.door)],
                    grid_id=row.building.grid_id,
                    relation=row.relation,
                    tags=row.tags,
                    search_text=search_text(row.name, row.building, row.door),
                    created_at=now,
                )
            )
    Person.objects.bulk_create(to_create, batch_size=WRITE_BATCH)
    Person.objects.bulk_update(
        [person for person, _row in to_update],
        [
            "name",
            "gender",
            "birth_date",
            "phone",
            "household",
            "grid",
            "relation",
            "tags",
            "search_text",
            "updated_at",
        ],
        batch_size=WRITE_BATCH // 2,
    )
    record(
        actor,
        "roster.import",
        community,
        format=report.format,
        encoding=report.encoding,
        rows=report.rows,
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        households_created=report.households_created,
    )
    report.written = True
    return report


def _column_order(sheet: Sheet, header: str) -> int:
    try:
        return sheet.headers.index(header)
    except ValueError:
        return len(sheet.headers)


def _household_codes(new_doors: Mapping[tuple[int, str], Building]) -> dict[tuple[int, str], str]:
    """Readable codes ("<building code>-<door>") where they fit and are free, else random ones."""
    wanted = {key: f"{b.code}-{key[1]}" for key, b in new_doors.items()}
    taken: set[str] = set()
    for chunk in _chunks([c for c in wanted.values() if len(c) <= 32], READ_CHUNK):
        taken.update(Household.objects.filter(code__in=chunk).values_list("code", flat=True))
    codes: dict[tuple[int, str], str] = {}
    used: set[str] = set()
    for key, code in wanted.items():
        if len(code) > 32 or code in taken or code in used:
            code = "H" + uuid.uuid4().hex[:24]
        used.add(code)
        codes[key] = code
    return codes
