"""The tables the demo writes, in foreign-key order, and their columns. The generator produces
plain tuples in these column orders, so a writer can insert them any way it likes (bulk_create
today, PostgreSQL COPY later)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from cogov.accounts.models import Membership, User
from cogov.organizations.models import Organization
from cogov.people.models import Ownership, PartyMember, Person, Verification
from cogov.territory.models import Building, Household, Node, PropertyUnit


@dataclass(frozen=True)
class Table:
    model: type[models.Model]
    columns: tuple[str, ...]
    # Columns whose stored value is not fixed by the seed (auto_now stamps).
    volatile: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.model._meta.db_table


NODE = Table(
    Node,
    (
        "id",
        "uuid",
        "level",
        "parent_id",
        "path",
        "code",
        "name",
        "geometry",
        "area_m2",
        "valid_from",
    ),
)
USER = Table(
    User,
    (
        "id",
        "uuid",
        "username",
        "password",
        "display_name",
        "phone",
        "is_staff",
        "is_superuser",
        "is_active",
        "date_joined",
    ),
)
ORGANIZATION = Table(
    Organization,
    (
        "id",
        "uuid",
        "kind",
        "name",
        "parent_id",
        "path",
        "node_id",
        "credit_code",
        "address",
        "contact_phone",
        "description",
    ),
)
BUILDING = Table(
    Building, ("id", "uuid", "grid_id", "code", "name", "address", "lon", "lat", "floors")
)
HOUSEHOLD = Table(Household, ("id", "uuid", "building_id", "code", "door"))
PROPERTY_UNIT = Table(
    PropertyUnit,
    ("id", "uuid", "building_id", "household_id", "number", "exclusive_area", "unsold"),
)
PERSON = Table(
    Person,
    (
        "id",
        "uuid",
        "name",
        "gender",
        "birth_date",
        "id_number",
        "phone",
        "household_id",
        "grid_id",
        "relation",
        "tags",
        "user_id",
        "search_text",
        "created_at",
        "updated_at",
    ),
    volatile=("updated_at",),
)
OWNERSHIP = Table(Ownership, ("id", "person_id", "unit_id", "share", "since"))
PARTY_MEMBER = Table(
    PartyMember,
    ("id", "uuid", "person_id", "branch_id", "status", "joined_on", "in_service", "employer_id"),
)
MEMBERSHIP = Table(
    Membership,
    (
        "id",
        "uuid",
        "user_id",
        "role",
        "node_id",
        "organization_id",
        "title",
        "full_time",
        "valid_from",
        "created_at",
    ),
)
VERIFICATION = Table(
    Verification,
    (
        "id",
        "uuid",
        "user_id",
        "kind",
        "household_id",
        "unit_id",
        "claimed_name",
        "claimed_id_number",
        "status",
        "person_id",
        "method",
        "created_at",
    ),
)

# Foreign-key order: a table only points at tables before it.
TABLES: tuple[Table, ...] = (
    NODE,
    USER,
    ORGANIZATION,
    BUILDING,
    HOUSEHOLD,
    PROPERTY_UNIT,
    PERSON,
    OWNERSHIP,
    PARTY_MEMBER,
    MEMBERSHIP,
    VERIFICATION,
)
