from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "cogov.cooperation"
    label = "cooperation"
    verbose_name = _("Co-construction: needs, resources, projects, micro-wishes")

    def ready(self) -> None:
        # Policy kinds register on import; rules and metrics are autodiscovered. The "need"
        # hand-off target goes into the campaigns app's registry from here, so that app's
        # files stay untouched.
        from . import handoff, policy_kinds  # noqa: F401
        from .actions import wishes  # noqa: F401  (the claim-timeout breach handler)
        from .navigation import register

        register()
