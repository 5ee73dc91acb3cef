from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PointsConfig(AppConfig):
    name = "cogov.points"
    label = "points"
    verbose_name = _("Points, volunteering and time bank")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import metrics, policy_kinds, rules  # noqa: F401  (registrations)
        from .navigation import register

        register()
