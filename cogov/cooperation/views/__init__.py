"""Pages of co-construction: the three lists with their flows, matching suggestions with the
scores explained, micro-wishes, the five-society page, funds, and a unit's page. Thin views:
look up through visible_to (404 for forbidden and missing alike), call an action, redirect.

One module per list (needs, resources, projects, wishes) plus the home page and the
five-society pages; every view is importable from `cogov.cooperation.views` as before.
"""

from .home import index
from .linkage import fund_detail, linkage, unit_detail
from .needs import need_detail, need_list, need_new, need_step, trend_to_need
from .projects import project_detail, project_list, project_new, project_step
from .resources import parse_windows, resource_detail, resource_list, resource_new, resource_step
from .wishes import WISH_STEPS, wish_detail, wish_list, wish_new, wish_step

__all__ = [
    "WISH_STEPS",
    "fund_detail",
    "index",
    "linkage",
    "need_detail",
    "need_list",
    "need_new",
    "need_step",
    "parse_windows",
    "project_detail",
    "project_list",
    "project_new",
    "project_step",
    "resource_detail",
    "resource_list",
    "resource_new",
    "resource_step",
    "trend_to_need",
    "unit_detail",
    "wish_detail",
    "wish_list",
    "wish_new",
    "wish_step",
]
