from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "cogov.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import calendar, metrics, policy_kinds  # noqa: F401  (register defaults)

        metrics.autodiscover()
