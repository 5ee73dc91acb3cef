"""Territory actions: code and boundary validation, permissions, buildings, GeoJSON import."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from cogov.core.errors import ActionError, NotAllowed
from cogov.core.models import AuditLog
from cogov.territory import actions
from cogov.territory.actions import ImportFailed
from cogov.territory.lookup import locate
from cogov.territory.models import Building, Household, Node, PropertyUnit, TerritoryVersion
from tests.world import point, square


def _make_room(world):
    """The test world tiles C1 completely: halve G11 so a new grid fits at square(0, 0, 1, 0.5)."""
    actions.update_geometry(actor=None, node=world.G11, geometry=square(0, 0.5, 1, 0.5))


def _grid(world, code="440111001001003", geometry=None, actor="admin", **kw):
    if geometry is None:
        _make_room(world)
    return actions.create_node(
        actor=world.users[actor],
        level="grid",
        code=code,
        name="新网格",
        parent=world.C1,
        geometry=geometry or square(0, 0, 1, 0.5),
        **kw,
    )


# -- codes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "parent", "code", "message"),
    [
        ("grid", "C1", "44011100100100", "15 digits"),  # 14 digits
        ("grid", "C1", "4401110010010031", "15 digits"),  # 16 digits
        ("grid", "C1", "44011100100100A", "15 digits"),
        ("grid", "C1", "４４０１１１００１００１００３", "15 digits"),  # full-width digits
        ("grid", "C1", "440111001002003", "does not start with its parent's code"),
        ("grid", "C1", "440111001001000", "all-zero"),
        ("grid", "C1", "440111001001001", "already used"),
        ("grid", "S1", "440111001001003", "The parent of a grid is a community"),
        ("community", "S1", "440111001", "12 digits"),
        ("community", "S1", "440111002003", "does not start"),
        ("street", "D", "440111003003", "9 digits"),
        ("district", None, "44011", "6 digits"),
        ("district", "D", "440112", "A district has no parent"),
        ("community", None, "440111001009", "needs a parent street"),
    ],
)
def test_code_validation(world, english, level, parent, code, message):
    before = Node.objects.count()
    with pytest.raises(ActionError) as exc:
        actions.create_node(
            actor=world.users["admin"],
            level=level,
            code=code,
            name="x",
            parent=world.nodes[parent] if parent else None,
            geometry=square(0, 0, 0.5, 0.5),
        )
    assert message in exc.value.message
    assert exc.value.field in {"code", "parent"}
    assert Node.objects.count() == before


def test_messages_are_in_the_users_language_with_the_level_names(world):
    """Chinese is the default: the message, and the level names inside it, are translated."""

    def refusal(level, parent, code):
        with pytest.raises(ActionError) as exc:
            actions.create_node(
                actor=world.users["admin"], level=level, code=code, name="x", parent=parent
            )
        return exc.value.message

    assert refusal("grid", world.C1, "4401") == "网格代码应为 15 位数字（0-9），“4401”不符合。"
    assert refusal("grid", world.S1, "440111001001003") == "网格的上级应为社区，而不是街道。"
    assert refusal("community", None, "440111001009") == "社区必须有上级街道。"
    with pytest.raises(NotAllowed) as exc:
        _grid(world, actor="community_worker")
    assert exc.value.message == "您无权修改这里的区划。"
    data = copy.deepcopy(_district_file())
    data["features"][0]["properties"].pop("code")
    with pytest.raises(ImportFailed) as failed:
        actions.import_geojson(actor=world.users["admin"], data=data)
    assert failed.value.errors[0] == "要素 0，code：缺少此属性。"
    assert failed.value.message.startswith("未导入任何内容。要素 0，code：缺少此属性。")


def test_codes_of_retired_units_stay_taken(world, english):
    actions.merge_nodes(actor=None, nodes=[world.G11, world.G12], code="440111001001003", name="m")
    with pytest.raises(ActionError, match="already used"):
        _grid(world, code="440111001001001", geometry=square(0, 0, 1, 0.5))


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        (None, "needs a boundary"),
        ({"type": "Point", "coordinates": [113.0, 23.0]}, "Polygon or MultiPolygon"),
        ({"type": "Polygon", "coordinates": "nope"}, "malformed"),
        # a bow-tie: self-intersecting
        (
            {
                "type": "Polygon",
                "coordinates": [
                    [[113.0, 23.0], [113.01, 23.01], [113.01, 23.0], [113.0, 23.01], [113.0, 23.0]]
                ],
            },
            "not valid",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [[[23.0, 113.0], [23.1, 113.0], [23.1, 113.1], [23.0, 113.0]]],
            },
            "latitude",
        ),
        (square(10, 10), "outside 幸福社区"),
    ],
)
def test_geometry_validation(world, english, geometry, message):
    with pytest.raises(ActionError) as exc:
        actions.create_node(
            actor=world.users["admin"],
            level="grid",
            code="440111001001003",
            name="x",
            parent=world.C1,
            geometry=geometry,
        )
    assert message in exc.value.message
    assert exc.value.field == "geometry"


def test_create_grid_records_audit_area_and_bumps_version(world):
    _make_room(world)
    version = TerritoryVersion.current()
    grid = _grid(world, geometry=square(0, 0, 1, 0.5))
    assert grid.path == f"{world.C1.path}{grid.pk}/"
    # one unit ≈ 1,024 m × 1,112 m at 23°N; half a unit high
    assert 550_000 < grid.area_m2 < 590_000
    assert TerritoryVersion.current() == version + 1
    assert AuditLog.objects.filter(action="territory.create_node", object_id=str(grid.pk)).exists()


def test_grids_may_share_edges_but_not_area(world, english):
    before = Node.objects.count()
    with pytest.raises(ActionError, match=r"overlaps grid 幸福一网格 \(440111001001001\)") as exc:
        _grid(world, geometry=square(0, 0, 1, 0.5))
    assert exc.value.field == "geometry"
    assert Node.objects.count() == before
    with pytest.raises(ActionError, match="overlaps grid 幸福二网格"):
        actions.update_geometry(actor=None, node=world.G11, geometry=square(0, 0, 1.5, 1))
    _make_room(world)
    _grid(world, geometry=square(0, 0, 1, 0.5))  # shares G11's new lower edge
    assert Node.objects.count() == before + 1


# -- permissions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("admin", True),
        ("street_official", True),  # S1 contains C1
        ("street_official_s2", False),
        ("party_secretary", False),
        ("community_worker", False),
        ("grid_worker", False),
        ("evaluator", False),
        ("resident", False),
        ("outsider", False),
    ],
)
def test_who_may_create_a_grid(world, persona, allowed):
    before = Node.objects.count()
    if allowed:
        _grid(world, actor=persona)
        assert Node.objects.count() == before + 1
    else:
        with pytest.raises(NotAllowed):
            _grid(world, actor=persona)
        assert Node.objects.count() == before


def test_only_admins_create_districts(world):
    with pytest.raises(NotAllowed):
        actions.create_node(
            actor=world.users["street_official"], level="district", code="440112", name="x"
        )
    d = actions.create_node(actor=world.users["admin"], level="district", code="440112", name="x")
    assert d.parent is None


def test_view_and_manage_permissions(world):
    so, so2, cw = (
        world.users[k] for k in ("street_official", "street_official_s2", "community_worker")
    )
    assert so.has_perm("territory.manage_territory", world.G11)
    assert not so2.has_perm("territory.manage_territory", world.G11)
    assert not cw.has_perm("territory.manage_territory", world.G11)
    assert cw.has_perm("territory.view_node", world.G11)
    assert cw.has_perm("territory.view_node", world.S1)  # the chain above, for breadcrumbs
    assert not cw.has_perm("territory.view_node", world.G21)
    assert not world.users["outsider"].has_perm("territory.view_node", world.D)


# -- buildings, households, units ------------------------------------------------------------


def test_building_is_placed_by_its_coordinates(world, english):
    lon, lat = point(1.25, 0.75)
    b = actions.create_building(
        actor=world.users["street_official"], code="B-new", name="新楼", lon=lon, lat=lat
    )
    assert b.grid == world.G12
    with pytest.raises(
        ActionError,
        match=r"There is no grid at these coordinates\. The point is outside every grid",
    ):
        actions.create_building(
            actor=world.users["admin"],
            code="B-far",
            name="远楼",
            lon=point(9, 9)[0],
            lat=point(9, 9)[1],
        )


def test_households_and_units(world, english):
    b = Building.objects.get(code="B-G11")
    hh = actions.create_household(
        actor=world.users["community_worker"], building=b, code="H-x", door="2-201"
    )
    unit = actions.create_property_unit(
        actor=world.users["community_worker"],
        building=b,
        number="2-201",
        exclusive_area="90.456",
        household=hh,
    )
    assert unit.exclusive_area == Decimal("90.46")
    with pytest.raises(ActionError, match="already registered"):
        actions.create_household(actor=world.users["admin"], building=b, code="H-y", door="2-201")
    with pytest.raises(ActionError, match="positive"):
        actions.create_property_unit(
            actor=world.users["admin"], building=b, number="9", exclusive_area=0
        )
    with pytest.raises(NotAllowed):
        actions.create_household(
            actor=world.users["community_worker_c2"], building=b, code="H-z", door="3-301"
        )
    assert not Household.objects.filter(code="H-z").exists()
    assert PropertyUnit.objects.filter(building=b).count() == 3


# -- GeoJSON import --------------------------------------------------------------------------


def _feature(level, code, name, parent_code, geometry):
    props = {"level": level, "code": code, "name": name}
    if parent_code:
        props["parent_code"] = parent_code
    return {"type": "Feature", "properties": props, "geometry": geometry}


def _district_file():
    # A second district east of the world: 440112 with one street, one community, two grids.
    # Listed children first, to show that order does not matter.
    return {
        "type": "FeatureCollection",
        "features": [
            _feature("grid", "440112001001001", "东一网格", "440112001001", square(10, 0)),
            _feature("grid", "440112001001002", "东二网格", "440112001001", square(11, 0)),
            _feature("community", "440112001001", "东社区", "440112001", square(10, 0, 2, 1)),
            _feature("street", "440112001", "东街道", "440112", square(10, 0, 2, 1)),
            _feature("district", "440112", "东区", None, square(10, 0, 2, 1)),
        ],
    }


def test_import_geojson_creates_the_tree(world):
    created = actions.import_geojson(actor=world.users["admin"], data=_district_file())
    assert len(created) == 5
    g = Node.objects.get(code="440112001001002")
    assert g.parent.code == "440112001001" and g.parent.parent.parent.code == "440112"
    assert g.path.startswith(Node.objects.get(code="440112").path)
    assert locate(*point(11.5, 0.5)).grid.code == "440112001001002"


def test_import_with_one_bad_feature_writes_nothing(world, english):
    data = _district_file()
    data["features"][1]["geometry"] = {
        "type": "Polygon",
        "coordinates": [
            [[113.11, 23.0], [113.12, 23.01], [113.12, 23.0], [113.11, 23.01], [113.11, 23.0]]
        ],
    }
    before = (Node.objects.count(), AuditLog.objects.count(), TerritoryVersion.current())
    with pytest.raises(ImportFailed) as exc:
        actions.import_geojson(actor=world.users["admin"], data=data)
    assert exc.value.errors == [
        "Feature 1, geometry: The geometry is not valid: Self-intersection[113.115 23.005]"
    ]
    assert (Node.objects.count(), AuditLog.objects.count(), TerritoryVersion.current()) == before
    assert not Node.objects.filter(code__startswith="440112").exists()


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda f: f[0]["properties"].pop("code"), "Feature 0, code: This property is missing."),
        (
            lambda f: f[1]["properties"].update(level="village"),
            "Feature 1, level: The level must be one of district, street, community, grid, "
            "not 'village'.",
        ),
        (
            lambda f: f[2]["properties"].pop("parent_code"),
            "Feature 2, parent_code: A community needs its parent's code.",
        ),
        (
            lambda f: f[1]["properties"].update(code="440112001001001"),
            "Feature 1, code: The code 440112001001001 repeats feature 0.",
        ),
        (
            lambda f: f[1]["properties"].update(code="440112001002001"),
            "Feature 1, code: The code 440112001002001 does not start",
        ),
        (
            lambda f: f[0]["properties"].update(parent_code="440199001001"),
            "Feature 0, parent_code: There is no unit 440199001001 in the file or in force.",
        ),
        (
            lambda f: f[1].update(geometry=square(10.5, 0)),
            "Feature 1, geometry: It overlaps grid 440112001001001 (feature 0).",
        ),
        (
            lambda f: f[1].update(geometry=square(30, 0)),
            "Feature 1, geometry: The boundary lies outside 东社区",
        ),
    ],
)
def test_import_errors_name_the_feature_and_property(world, english, mutate, expected):
    data = copy.deepcopy(_district_file())
    mutate(data["features"])
    before = Node.objects.count()
    with pytest.raises(ImportFailed) as exc:
        actions.import_geojson(actor=world.users["admin"], data=data)
    assert any(e.startswith(expected) for e in exc.value.errors), exc.value.errors
    assert Node.objects.count() == before


def test_import_under_an_existing_street_needs_manage_there(world):
    data = {
        "type": "FeatureCollection",
        "features": [
            _feature("community", "440111002009", "新社区", "440111002", square(0, 1, 1, 1))
        ],
    }
    with pytest.raises(NotAllowed):
        actions.import_geojson(actor=world.users["street_official"], data=data)  # S2 is not theirs
    assert not Node.objects.filter(code="440111002009").exists()
    actions.import_geojson(actor=world.users["street_official_s2"], data=data)
    assert Node.objects.get(code="440111002009").parent == world.S2


def test_import_command(world, english, tmp_path, capsys):
    path = tmp_path / "district.geojson"
    path.write_text(json.dumps(_district_file(), ensure_ascii=False), encoding="utf-8")
    call_command("import_geojson", str(path))
    assert Node.objects.filter(code__startswith="440112").count() == 5
    out = capsys.readouterr().out
    assert "Imported 5 units (district 1, street 1, community 1, grid 2)." in out
    bad = _district_file()
    for f in bad["features"]:
        f["properties"]["code"] = f["properties"]["code"].replace("440112", "440113")
        if "parent_code" in f["properties"]:
            f["properties"]["parent_code"] = f["properties"]["parent_code"].replace(
                "440112", "440113"
            )
    bad["features"][0]["properties"]["name"] = ""
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(CommandError, match=r"Nothing was imported \(1 problem\)"):
        call_command("import_geojson", str(path))
    assert "Feature 0, name: This property is missing." in capsys.readouterr().err
    assert not Node.objects.filter(code__startswith="440113").exists()
