"""Housing: buildings in a grid, their households and property units."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cogov.core import audit
from cogov.core.errors import ActionError

from .. import lookup
from ..models import (
    Building,
    Household,
    Level,
    Node,
    PropertyUnit,
)

# Called inside the transaction after redistricting moved buildings to other grids, with
# {building_id: new_grid_id}. Apps that copy a building's grid (people.Person.grid) register
# here in their AppConfig.ready() to follow the move.
from .common import (
    _already_registered,
    _check_roster,
    _name_required,
    check_manage,
)


def _active_grid(grid: Node | None, *, field: str = "grid") -> Node:
    if grid is None or grid.level != Level.GRID:
        raise ActionError(_("A building belongs to a grid."), field=field)
    if not grid.is_active:
        raise ActionError(
            _("%(name)s (%(code)s) is retired.") % {"name": grid.name, "code": grid.code},
            field=field,
        )
    return grid


def create_building(
    *,
    actor: Any,
    code: str,
    name: str,
    grid: Node | None = None,
    lon: float | None = None,
    lat: float | None = None,
    address: str = "",
    floors: int | None = None,
) -> Building:
    """Register a building in `grid`, or else in the grid its coordinates fall in."""
    if (lon is None) != (lat is None):
        raise ActionError(_("Give both longitude and latitude, or neither."), field="lon")
    if grid is None:
        if lon is None or lat is None:
            raise ActionError(_("Give the grid or the building's coordinates."), field="grid")
        found = lookup.locate(lon, lat)
        if found.grid is None:
            raise ActionError(
                _("There is no grid at these coordinates. %(reason)s") % {"reason": found.reason},
                field="lon",
            )
        grid = found.grid
    grid = _active_grid(grid)
    check_manage(actor, grid)
    code, name = str(code).strip(), (name or "").strip()
    if not code:
        raise ActionError(_("A code is required."), field="code")
    if not name:
        raise ActionError(_name_required(), field="name")
    if Building.objects.filter(code=code).exists():
        raise ActionError(
            _("The building code %(code)s is already used.") % {"code": code}, field="code"
        )
    with transaction.atomic():
        building = Building.objects.create(
            grid=grid, code=code, name=name, address=address, lon=lon, lat=lat, floors=floors
        )
        audit.record(actor, "territory.create_building", building, grid=grid.code)
    return building


def create_household(*, actor: Any, building: Building, code: str, door: str) -> Household:
    """Register a household at a door of a building."""
    _check_roster(actor, building.grid)
    code, door = str(code).strip(), (door or "").strip()
    if not code:
        raise ActionError(_("A code is required."), field="code")
    if not door:
        raise ActionError(_("The door is required."), field="door")
    if Household.objects.filter(code=code).exists():
        raise ActionError(
            _("The household code %(code)s is already used.") % {"code": code}, field="code"
        )
    if Household.objects.filter(building=building, door=door).exists():
        raise ActionError(_already_registered(building, door), field="door")
    with transaction.atomic():
        household = Household.objects.create(building=building, code=code, door=door)
        audit.record(actor, "territory.create_household", household, building=building.code)
    return household


def create_property_unit(
    *,
    actor: Any,
    building: Building,
    number: str,
    exclusive_area: Decimal | str | float,
    household: Household | None = None,
    unsold: bool = False,
) -> PropertyUnit:
    """Register a unit of exclusive ownership with its area (for owners' votes)."""
    _check_roster(actor, building.grid)
    number = str(number).strip()
    if not number:
        raise ActionError(_("The unit number is required."), field="number")
    try:
        area = Decimal(str(exclusive_area))
    except ArithmeticError:
        raise ActionError(_("The area must be a number."), field="exclusive_area") from None
    if not area.is_finite() or area <= 0:
        raise ActionError(_("The area must be positive."), field="exclusive_area")
    if household is not None and household.building_id != building.pk:
        raise ActionError(_("The household lives in another building."), field="household")
    if PropertyUnit.objects.filter(building=building, number=number).exists():
        raise ActionError(_already_registered(building, number), field="number")
    with transaction.atomic():
        unit = PropertyUnit.objects.create(
            building=building,
            number=number,
            exclusive_area=area.quantize(Decimal("0.01")),
            household=household,
            unsold=unsold,
        )
        audit.record(actor, "territory.create_property_unit", unit, building=building.code)
    return unit


# -- GeoJSON import --------------------------------------------------------------------------
