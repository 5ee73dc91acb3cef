from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "cogov.voting"
    label = "voting"
    verbose_name = _("Voting")

    def ready(self) -> None:
        # Policy kinds, rule sets, electorates and metrics register on import.
        from . import electorates, metrics, policy_kinds, rulesets  # noqa: F401
        from .navigation import register

        register()
