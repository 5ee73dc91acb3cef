from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cogov.cases"
    label = "cases"
    verbose_name = _("Cases and work orders")

    def ready(self) -> None:
        # Policy kinds and breach handlers register themselves on import; rules are autodiscovered.
        from . import deadlines, policy_kinds  # noqa: F401
        from .navigation import register

        register()
