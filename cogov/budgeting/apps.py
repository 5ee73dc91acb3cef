from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetingConfig(AppConfig):
    name = "cogov.budgeting"
    label = "budgeting"
    verbose_name = _("Participatory budgeting")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Policy kinds, permissions and metrics register on import.
        from . import metrics, policy_kinds, rules  # noqa: F401
        from .navigation import register

        register()
