from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "cogov.campaigns"
    label = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self) -> None:
        # Policy kinds and hand-off targets register on import; rules are autodiscovered.
        from . import handoff, policy_kinds  # noqa: F401
