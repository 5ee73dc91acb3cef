"""Organizations: district departments and the party committee, street offices and street
party working committees, and per community the party committee with its branches and
groups, the residents' committee, property companies, owners' committees, social
organizations, co-construction units and volunteer teams."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from faker.providers.company.zh_CN import Provider as _ZhCompany

from cogov.organizations.models import OrgKind

from . import tables as t
from .context import Context
from .people import PartyPlaces
from .randomness import make_uuid, place_names
from .territory import Place, cn_number

CITY = "K市"  # the seeds' "District G of K City"
BRANDS = [p for p in _ZhCompany.company_prefixes if len(p) == 2]
ESTATE_SUFFIXES = ["花园", "苑", "小区", "新村", "华庭", "雅居", "名苑"]

DEPARTMENTS = [
    "{d}城市管理和综合执法局",
    "{d}住房和城乡建设局",
    "{d}民政局",
    "{d}卫生健康局",
    f"{CITY}公安局{{d}}分局",
    "{d}市场监督管理局",
    "{d}人力资源和社会保障局",
    "{d}水务局",
    "{d}教育局",
    "中共{d}委组织部",
    "{d}政务服务数据管理局",
    f"{CITY}生态环境局{{d}}分局",
]
# Co-construction units (共建单位): name templates by type; {p} a place name, {b} a brand.
CO_CONSTRUCTION = [
    "{d}{p}人民医院",
    "{p}社区卫生服务中心",
    "{d}{p}小学",
    "{d}{p}中学",
    "{p}幼儿园",
    f"{CITY}{{b}}投资集团有限公司",
    f"{CITY}{{b}}城建集团有限公司",
    "中国工商银行{d}{p}支行",
    "中国建设银行{d}{p}支行",
    "{p}供电所",
    "{p}邮政支局",
    f"{CITY}{{b}}公交集团{{p}}车队",
]
SOCIAL_ORGS = [
    "{c}长者协会",
    "{d}{b}社会工作服务中心",
    "{c}文体协会",
    "{b}公益服务中心",
    "{c}家庭综合服务中心",
    "{c}调解协会",
]

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def credit_code(rng: random.Random, region: str, registrar: str = "9", category: str = "1") -> str:
    """A well-formed unified social credit code (GB 32100-2015) with both check characters:
    registrar (9 market regulation, 1 institutions, 5 civil affairs), category, region, the
    9-character organization code (GB 11714) and the check character."""
    body = [rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY"[:10]) for _ in range(8)]
    c9 = 11 - sum(int(c) * w for c, w in zip(body, _ORG_CODE_WEIGHTS, strict=True)) % 11
    org_code = "".join(body) + ("X" if c9 == 10 else "0" if c9 == 11 else str(c9))
    first17 = f"{registrar}{category}{region}{org_code}"
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return first17 + _USCC_CHARS[(31 - total % 31) % 31]


def office_phone(rng: random.Random) -> str:
    return f"020-{rng.randint(3, 8)}{rng.randrange(10**7):07d}"


def add_org(
    ctx: Context,
    rng: random.Random,
    kind: str,
    name: str,
    node: Place,
    parent: tuple[int, str] | None = None,
    *,
    code: str = "",
    description: str = "",
    address: str = "",
) -> tuple[int, str]:
    """One organization row; returns (id, path) so that children can hang below it."""
    org_id = ctx.ids.take(t.ORGANIZATION)
    path = f"{parent[1] if parent else '/'}{org_id}/"
    uscc = credit_code(rng, node.district_code, code[0], code[1]) if code else ""
    ctx.add(
        t.ORGANIZATION,
        (
            org_id,
            make_uuid(rng),
            kind,
            name,
            parent[0] if parent else None,
            path,
            node.id,
            uscc,
            address or f"{CITY}{node.name}",
            office_phone(rng),
            description,
        ),
    )
    ctx.count(f"organizations.{kind}")
    return org_id, path


@dataclass
class DistrictOrgs:
    party_committee: tuple[int, str]
    departments: list[int]
    street_committees: dict[int, tuple[int, str]] = field(default_factory=dict)  # street id →


def build_district_orgs(ctx: Context, rng: random.Random, district: Place) -> DistrictOrgs:
    d = district.name
    committee = add_org(ctx, rng, OrgKind.PARTY_COMMITTEE, f"中共{CITY}{d}委员会", district)
    departments = [
        add_org(ctx, rng, OrgKind.DEPARTMENT, template.format(d=d), district)[0]
        for template in DEPARTMENTS
    ]
    result = DistrictOrgs(committee, departments)
    for street in district.children:
        add_org(ctx, rng, OrgKind.STREET_OFFICE, f"{d}{street.name}办事处", street)
        result.street_committees[street.id] = add_org(
            ctx, rng, OrgKind.PARTY_COMMITTEE, f"中共{d}{street.name}工作委员会", street, committee
        )
    return result


@dataclass
class CommunityOrgs:
    party: PartyPlaces
    estates: list[str]  # estate name per grid
    by_kind: dict[str, list[int]]


def build_community_orgs(
    ctx: Context, rng: random.Random, community: Place, street_committee: tuple[int, str]
) -> CommunityOrgs:
    """All organizations based in one community."""
    c = community.name
    district = community.parent.parent.name if community.parent and community.parent.parent else ""
    by_kind: dict[str, list[int]] = {}

    def add(
        kind: str, name: str, parent: tuple[int, str] | None = None, **kw: object
    ) -> tuple[int, str]:
        org = add_org(ctx, rng, kind, name, community, parent, **kw)  # type: ignore[arg-type]
        by_kind.setdefault(kind, []).append(org[0])
        return org

    committee = add(OrgKind.PARTY_COMMITTEE, f"中共{c}委员会", street_committee)
    n_branches = max(1, len(community.children) // 3)
    branches = []
    for n in range(1, n_branches + 2):
        retired = n == n_branches + 1
        branch = add(
            OrgKind.PARTY_BRANCH,
            f"{c}{'离退休' if retired else '第' + cn_number(n)}党支部",
            committee,
        )
        branches.append(branch[0])
        for g in range(1, rng.randint(2, 3) + 1):
            add(
                OrgKind.PARTY_GROUP,
                f"{c}{'离退休' if retired else '第' + cn_number(n)}党支部第{cn_number(g)}党小组",
                branch,
            )
    add(OrgKind.RESIDENTS_COMMITTEE, f"{c}居民委员会")

    estates = _estates(rng, community)
    for i, estate in enumerate(dict.fromkeys(estates)):
        brand = rng.choice(BRANDS)
        add(
            OrgKind.PROPERTY_COMPANY,
            f"{CITY}{brand}物业管理有限公司{estate}服务中心",
            code="91",
            address=f"{CITY}{district}{estate}",
        )
        if i == 0 or rng.random() < 0.5:
            add(
                OrgKind.OWNERS_COMMITTEE, f"{estate}业主委员会", address=f"{CITY}{district}{estate}"
            )

    places = place_names(rng, 12, "")
    fill = {"c": c, "d": district, "b": rng.choice(BRANDS)}
    for template in rng.sample(SOCIAL_ORGS, rng.randint(1, 3)):
        add(OrgKind.SOCIAL_ORG, template.format(**fill), code="52", description="社会组织")
    for i, template in enumerate(rng.sample(CO_CONSTRUCTION, rng.randint(2, 4))):
        name = template.format(p=places[i], d=district, b=rng.choice(BRANDS))
        # Public institutions (事业单位) register with 12…, enterprises with 91…
        registrar = "91" if any(w in name for w in ("公司", "银行", "供电", "邮政")) else "12"
        add(OrgKind.CO_CONSTRUCTION_UNIT, name, code=registrar, description="共建单位")
    add(OrgKind.VOLUNTEER_TEAM, f"{c}志愿服务队")
    if rng.random() < 0.5:
        add(OrgKind.VOLUNTEER_TEAM, f"{c}党员先锋队")
    party = PartyPlaces(branches[:-1], branches[-1], by_kind[OrgKind.CO_CONSTRUCTION_UNIT])
    return CommunityOrgs(party, estates, by_kind)


def _estates(rng: random.Random, community: Place) -> list[str]:
    """An estate (小区) name for each grid: runs of one to three neighbouring grids."""
    grids = len(community.children)
    names = place_names(rng, grids, "")
    result: list[str] = []
    i = 0
    while len(result) < grids:
        run = rng.randint(1, 3)
        result += [names[i] + rng.choice(ESTATE_SUFFIXES)] * run
        i += 1
    return result[:grids]
