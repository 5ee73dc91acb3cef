from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "cogov.funds"
    label = "funds"
    verbose_name = _("Community funds")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import metrics, policy_kinds, rules  # noqa: F401  (registrations)
        from .navigation import register

        register()
