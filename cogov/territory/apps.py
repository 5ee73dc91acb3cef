from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoryConfig(AppConfig):
    name = "cogov.territory"
    label = "territory"
    verbose_name = _("Territory")

    def ready(self) -> None:
        from . import policy_kinds  # noqa: F401
