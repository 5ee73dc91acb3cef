from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "cogov.deliberation"
    label = "deliberation"
    verbose_name = _("Deliberation")

    def ready(self) -> None:
        # Policy kinds, permissions, step kinds, deadline handlers and metrics register on import.
        from . import actions, metrics, policy_kinds, rules  # noqa: F401
        from .navigation import register

        register()
