"""The disclosure catalogue as local policy (governance-mechanisms.md §11: every cadence, grace
period, posting period and objection window here is local; the 殷行街道 model catalogue and the
generic rules of §11 are the shipped default).

- `disclosure.catalogue`: what a community must publish (党务 party affairs, 居务 residents'
  affairs), each item with its cadence or trigger, deadline, responsible role, channels, minimum
  posting days, objection window and whether personal data must be masked.

A district, street or community overrides the catalogue by setting this policy at its node
(`cogov.core.actions.set_policy`); lookup walks up the territory tree, the nearest node wins,
and the value replaces the whole catalogue (copy the default and edit it).
"""

from __future__ import annotations

from typing import Literal

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, Field, model_validator

from cogov.core.policies import PolicyKind, register

CATALOGUE = "disclosure.catalogue"

Category = Literal["party", "residents"]
Cadence = Literal[
    "long_term", "on_change", "monthly", "quarterly", "semiannual", "annual", "per_event"
]
PERIODIC: tuple[str, ...] = ("long_term", "monthly", "quarterly", "semiannual", "annual")
TRIGGERED: tuple[str, ...] = ("on_change", "per_event")


class CatalogueItem(BaseModel):
    """One row of the catalogue (类别 / 一级事项 / 二级事项 / 公开内容要素 / 公开依据 / 公开时限 /
    公开主体 / 公开渠道).

    `deadline_working_days`: for periodic cadences the grace after the period ends (long_term:
    after the year starts); for triggered cadences "within N working days" of the trigger."""

    code: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_]+$")
    category: Category
    item: str = Field(min_length=1, max_length=100)
    item_en: str = Field("", max_length=150)
    sub_item: str = Field("", max_length=100)
    elements: list[str] = Field(default_factory=list)
    legal_basis: str = Field("", max_length=300)
    cadence: Cadence
    trigger: str = Field("", max_length=60, pattern=r"^[a-z0-9_]*$")
    deadline_working_days: int = Field(0, ge=0, le=60)
    responsible_role: str = Field("community_worker", max_length=40)
    channels: list[str] = Field(default_factory=list)
    min_posting_days: int = Field(7, ge=0, le=3650)
    objection_days: int = Field(0, ge=0, le=90)
    mask_personal_data: bool = False
    public_columns: list[str] = Field(
        default_factory=list,
        description="when personal data is masked: the only columns of an attached table that "
        "are published (empty: all)",
    )
    name_column: str = Field("姓名", max_length=40, description="the column masked as 张××")
    source: Literal["", "funds.statement"] = Field(
        "",
        description="funds.statement: a notice of this item can be filled from the ledger (the "
        "statement of fund use for the obligation's period, cogov.funds.selectors)",
    )
    fund_kinds: list[str] = Field(
        default_factory=list,
        description="with source funds.statement: the kinds of fund the statement covers "
        "(empty: every fund of the community)",
    )

    @model_validator(mode="after")
    def _trigger(self) -> CatalogueItem:
        if self.cadence in TRIGGERED and not self.trigger:
            raise ValueError(f"item {self.code}: a {self.cadence} item needs a trigger name")
        if self.cadence in PERIODIC and self.trigger:
            raise ValueError(f"item {self.code}: a {self.cadence} item takes no trigger")
        from cogov.accounts.roles import ROLES

        if self.responsible_role not in ROLES:
            raise ValueError(f"item {self.code}: unknown role {self.responsible_role!r}")
        if self.fund_kinds and self.source != "funds.statement":
            raise ValueError(f"item {self.code}: fund kinds need source funds.statement")
        if self.fund_kinds:
            from cogov.funds.selectors import fund_kinds

            unknown = sorted(set(self.fund_kinds) - set(fund_kinds()))
            if unknown:
                raise ValueError(f"item {self.code}: unknown fund kind {unknown[0]!r}")
        return self

    @property
    def periodic(self) -> bool:
        return self.cadence in PERIODIC


class Catalogue(BaseModel):
    items: list[CatalogueItem] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> Catalogue:
        codes = [i.code for i in self.items]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise ValueError(f"item codes must be unique: {', '.join(dupes)}")
        return self

    def item(self, code: str) -> CatalogueItem | None:
        return next((i for i in self.items if i.code == code), None)

    def triggered_by(self, trigger: str) -> list[CatalogueItem]:
        return [i for i in self.items if i.cadence in TRIGGERED and i.trigger == trigger]


BOARD = "公开栏"
CLOUD = "社区云"
SCREEN = "电子屏"
MEETING = "会议"
YINHANG = "殷行街道市光四村第二居委会居务公开标准目录(2022)"
ORGANIC = "《城市居民委员会组织法》(2018)第十六条"
PARTY_RULES = "《中国共产党党务公开条例(试行)》(2017)"

DEFAULT_ITEMS: list[dict[str, object]] = [
    # 居务 (residents' affairs): the 殷行 model catalogue and the generic rules of §11.2
    {
        "code": "rc_profile",
        "category": "residents",
        "item": "居委会基本情况",
        "item_en": "Residents' committee profile",
        "sub_item": "名称、地址、办公时间、联系方式",
        "elements": ["名称", "地址", "办公时间", "联系方式"],
        "legal_basis": YINHANG,
        "cadence": "long_term",
        "deadline_working_days": 5,
        "channels": [BOARD, SCREEN, CLOUD],
        "min_posting_days": 365,
    },
    {
        "code": "rc_members",
        "category": "residents",
        "item": "居委会成员",
        "item_en": "Members of the residents' committee",
        "sub_item": "姓名、职务、分工、照片",
        "elements": ["姓名", "职务", "分工", "照片"],
        "legal_basis": YINHANG,
        "cadence": "on_change",
        "trigger": "committee_changed",
        "deadline_working_days": 5,
        "channels": [BOARD, SCREEN, CLOUD],
        "min_posting_days": 30,
    },
    {
        "code": "working_funds",
        "category": "residents",
        "item": "居委会工作经费使用情况",
        "item_en": "Use of the committee's working funds",
        "sub_item": "季度收支",
        "elements": ["收入", "支出明细", "结余"],
        "legal_basis": YINHANG + ":每季度",
        "cadence": "quarterly",
        "deadline_working_days": 10,
        "channels": [BOARD, CLOUD],
        "min_posting_days": 7,
        "objection_days": 7,
        "source": "funds.statement",
        "fund_kinds": ["working"],
    },
    {
        "code": "fundraising",
        "category": "residents",
        "item": "公益事业募捐",
        "item_en": "Public-welfare fund-raising accounts",
        "sub_item": "募捐收支账目",
        "elements": ["募捐事由", "收入", "支出", "结余"],
        "legal_basis": ORGANIC + ":应当及时公布,接受居民监督",
        "cadence": "per_event",
        "trigger": "fundraising_started",
        "deadline_working_days": 3,
        "channels": [BOARD, CLOUD, MEETING],
        "min_posting_days": 7,
        "objection_days": 7,
    },
    {
        "code": "low_income",
        "category": "residents",
        "item": "最低生活保障对象名单",
        "item_en": "Subsistence allowance (低保) recipients",
        "sub_item": "月度名单",
        "elements": ["姓名", "保障金额"],
        "legal_basis": "社区居务公开制度:低保对象每月公开;个人信息最小化",
        "cadence": "monthly",
        "deadline_working_days": 5,
        "channels": [BOARD],
        "min_posting_days": 7,
        "objection_days": 7,
        "mask_personal_data": True,
        "public_columns": ["姓名", "金额"],
        "name_column": "姓名",
    },
    {
        "code": "plans_reports",
        "category": "residents",
        "item": "工作计划与总结",
        "item_en": "Work plans and reports",
        "sub_item": "政策、计划、干部评议",
        "elements": ["工作计划", "工作总结", "干部评议结果"],
        "legal_basis": "社区居务公开制度:每半年",
        "cadence": "semiannual",
        "deadline_working_days": 10,
        "channels": [BOARD, CLOUD],
        "min_posting_days": 15,
    },
    {
        "code": "micro_projects",
        "category": "residents",
        "item": "民生微实事项目",
        "item_en": "Participatory micro-projects",
        "sub_item": "项目清单、预算、实施进度",
        "elements": ["项目名称", "预算", "实施单位", "进度"],
        "legal_basis": "民生微实事“全流程公示”",
        "cadence": "per_event",
        "trigger": "micro_project_approved",
        "deadline_working_days": 5,
        "channels": [BOARD, CLOUD],
        "min_posting_days": 7,
        "objection_days": 7,
        "source": "funds.statement",
        "fund_kinds": ["micro_project"],
    },
    {
        "code": "supervision_report",
        "category": "residents",
        "item": "居务监督委员会年度报告",
        "item_en": "Annual report of the residents' supervision committee",
        "elements": ["监督事项", "发现问题", "整改情况"],
        "legal_basis": "《陕西省城市社区居务公开民主管理办法》(2017)",
        "cadence": "annual",
        "deadline_working_days": 20,
        "channels": [BOARD, MEETING],
        "min_posting_days": 15,
    },
    # 党务 (party affairs): 条例 art. 15 and the base-level content of local 党务公开 rules
    {
        "code": "party_decisions",
        "category": "party",
        "item": "贯彻落实上级决策部署情况",
        "item_en": "Implementation of higher-level decisions",
        "sub_item": "工作任务及进展",
        "elements": ["工作任务", "进展情况"],
        "legal_basis": PARTY_RULES,
        "cadence": "semiannual",
        "deadline_working_days": 10,
        "responsible_role": "party_secretary",
        "channels": [BOARD, MEETING],
        "min_posting_days": 15,
    },
    {
        "code": "party_leadership",
        "category": "party",
        "item": "领导班子分工及议事规则",
        "item_en": "Division of labour and rules of procedure of the leading team",
        "elements": ["成员", "分工", "议事规则"],
        "legal_basis": PARTY_RULES,
        "cadence": "on_change",
        "trigger": "leadership_changed",
        "deadline_working_days": 5,
        "responsible_role": "party_secretary",
        "channels": [BOARD, CLOUD],
        "min_posting_days": 30,
    },
    {
        "code": "party_service_funds",
        "category": "party",
        "item": "党组织服务群众经费使用情况",
        "item_en": "Use of the party organization's funds for serving the masses",
        "elements": ["项目", "金额", "审批情况"],
        "legal_basis": "党组织服务群众经费管理办法(地方)",
        "cadence": "quarterly",
        "deadline_working_days": 10,
        "responsible_role": "party_secretary",
        "channels": [BOARD, CLOUD],
        "min_posting_days": 7,
        "objection_days": 7,
    },
    {
        "code": "party_fees",
        "category": "party",
        "item": "党费收缴使用情况",
        "item_en": "Collection and use of party fees",
        "elements": ["收缴", "使用", "上缴"],
        "legal_basis": PARTY_RULES,
        "cadence": "annual",
        "deadline_working_days": 15,
        "responsible_role": "party_secretary",
        "channels": [BOARD, MEETING],
        "min_posting_days": 7,
    },
    {
        "code": "member_development",
        "category": "party",
        "item": "发展党员公示",
        "item_en": "Admission of new party members",
        "elements": ["姓名", "拟发展阶段", "培养联系人"],
        "legal_basis": PARTY_RULES,
        "cadence": "per_event",
        "trigger": "member_development",
        "deadline_working_days": 3,
        "responsible_role": "party_secretary",
        "channels": [BOARD],
        "min_posting_days": 7,
        "objection_days": 7,
    },
    {
        "code": "major_matters",
        "category": "party",
        "item": "涉及群众切身利益的重大事项",
        "item_en": "Major matters affecting residents' interests",
        "elements": ["事项", "决策过程", "结果"],
        "legal_basis": PARTY_RULES + "第十五条",
        "cadence": "per_event",
        "trigger": "major_matter",
        "deadline_working_days": 3,
        "responsible_role": "party_secretary",
        "channels": [BOARD, CLOUD, MEETING],
        "min_posting_days": 7,
        "objection_days": 7,
    },
]

CATALOGUE_KIND = register(
    PolicyKind(
        CATALOGUE,
        _("Disclosure catalogue"),
        Catalogue,
        description=_(
            "What a community must publish (party and residents' affairs): cadence or trigger, "
            "deadline in working days, responsible role, channels, minimum posting days, "
            "objection window, masking of personal data."
        ),
        source="governance-mechanisms.md §11 (殷行街道 model catalogue [V]; generic rules [S])",
        default={"items": DEFAULT_ITEMS},
    )
)
