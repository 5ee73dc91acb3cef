"""Pages of the organizations app: the directory, the joint committee and units, 双报到."""

from .committee import (
    committee_create,
    committee_detail,
    committee_meeting,
    committee_rotation,
    unit_detail,
)
from .directory import org_detail, org_list
from .reporting import (
    appraisal,
    my_reporting,
    posts,
    reporting_desk,
    sheet,
    sheet_pdf,
    sheet_xlsx,
)

__all__ = [
    "appraisal",
    "committee_create",
    "committee_detail",
    "committee_meeting",
    "committee_rotation",
    "my_reporting",
    "org_detail",
    "org_list",
    "posts",
    "reporting_desk",
    "sheet",
    "sheet_pdf",
    "sheet_xlsx",
    "unit_detail",
]
