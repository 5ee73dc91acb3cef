from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, Field, model_validator

from cogov.core.policies import PolicyKind, register


class GridSize(BaseModel):
    min_households: int = Field(100, ge=1)
    max_households: int = Field(500, ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> GridSize:
        if self.min_households > self.max_households:
            raise ValueError(gettext("The minimum number of households is above the maximum."))
        return self


GRID_SIZE = register(
    PolicyKind(
        "territory.grid_size",
        _("Households per grid"),
        GridSize,
        description=_(
            "The range of households one grid should hold; grids outside it are flagged."
        ),
        source="commonly quoted 300–500 households per grid [unverified]; set locally",
        default={"min_households": 100, "max_households": 500},
    )
)
