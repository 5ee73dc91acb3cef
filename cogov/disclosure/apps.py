from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "cogov.disclosure"
    label = "disclosure"
    verbose_name = _("Disclosure of party and residents' affairs")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import metrics, policy_kinds, rules, scheduling  # noqa: F401  (registrations)
        from .navigation import register

        register()
