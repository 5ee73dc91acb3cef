from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "cogov.organizations"
    label = "organizations"
    verbose_name = _("Organizations")

    def ready(self) -> None:
        from . import policy_kinds  # noqa: F401  (registrations)
        from .actions import reporting  # noqa: F401  (deadline handlers)
        from .navigation import register

        register()
