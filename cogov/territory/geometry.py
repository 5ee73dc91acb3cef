"""GeoJSON boundaries as shapely 2 geometries: parsing, validation, areas and distances in metres.

Coordinates are WGS-84 / GCJ-02 longitude-latitude degrees as the maps deliver them. Areas and
distances use a local equirectangular projection around the shape, which is accurate to well
under 1 % at the size of a street or smaller — enough for grid sizes and "nearest grid" hints.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import shapely
from django.utils.translation import gettext as _
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

EARTH_RADIUS_M = 6_371_008.8
POLYGONAL = ("Polygon", "MultiPolygon")


class GeometryError(ValueError):
    """The GeoJSON is not a usable boundary; the message says why."""


def parse_boundary(data: Any) -> BaseGeometry:
    """A valid, non-empty Polygon or MultiPolygon from a GeoJSON geometry dict, or GeometryError."""
    if not isinstance(data, dict):
        raise GeometryError(_("The geometry must be a GeoJSON object."))
    kind = data.get("type")
    if kind not in POLYGONAL:
        raise GeometryError(
            _("The geometry must be a Polygon or MultiPolygon, not %(type)s.")
            % {"type": repr(kind)}
        )
    try:
        geom = shape(data)
    except (ValueError, TypeError, IndexError, AttributeError, KeyError) as exc:
        raise GeometryError(
            _("The coordinates are malformed (%(error)s).") % {"error": exc}
        ) from None
    if geom.is_empty:
        raise GeometryError(_("The geometry is empty."))
    coords = shapely.get_coordinates(geom)
    if not np.isfinite(coords).all():
        raise GeometryError(_("The coordinates must be finite numbers."))
    if (np.abs(coords[:, 0]) > 180).any() or (np.abs(coords[:, 1]) > 90).any():
        raise GeometryError(_("The coordinates must be longitude (±180) then latitude (±90)."))
    if not geom.is_valid:
        raise GeometryError(
            _("The geometry is not valid: %(reason)s") % {"reason": shapely.is_valid_reason(geom)}
        )
    if geom.area <= 0:
        raise GeometryError(_("The geometry has no area."))
    return geom


def to_geojson(geom: BaseGeometry) -> dict[str, Any]:
    return shapely.geometry.mapping(geom)  # type: ignore[return-value]


def _projector(lon0: float, lat0: float) -> Any:
    kx = math.cos(math.radians(lat0)) * math.pi / 180 * EARTH_RADIUS_M
    ky = math.pi / 180 * EARTH_RADIUS_M

    def project(coords: np.ndarray) -> np.ndarray:
        return np.column_stack(((coords[:, 0] - lon0) * kx, (coords[:, 1] - lat0) * ky))

    return project


def area_m2(geom: BaseGeometry) -> float:
    c = geom.centroid
    return float(shapely.transform(geom, _projector(c.x, c.y)).area)


def distance_m(lon: float, lat: float, geom: BaseGeometry) -> float:
    """Distance in metres from a point to a geometry (0 inside)."""
    project = _projector(lon, lat)
    return float(shapely.transform(geom, project).distance(shapely.Point(0, 0)))


def overlap_area(a: BaseGeometry, b: BaseGeometry) -> float:
    """Area of the interiors' overlap, in square degrees (0 when they only touch)."""
    if not a.intersects(b):
        return 0.0
    return float(a.intersection(b).area)


def overlaps_meaningfully(a: BaseGeometry, b: BaseGeometry, *, tolerance: float = 1e-6) -> bool:
    """Do `a` and `b` share more area than a sliver (relative to the smaller one)?"""
    smaller = min(a.area, b.area)
    return smaller > 0 and overlap_area(a, b) > tolerance * smaller
