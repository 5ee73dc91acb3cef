from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    name = "cogov.open311"
    label = "open311"
    verbose_name = _("Open311 GeoReport v2")

    def ready(self) -> None:
        # Policy kinds register themselves on import; rules are autodiscovered.
        from . import policy_kinds  # noqa: F401
