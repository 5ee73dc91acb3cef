from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "cogov.assessment"
    label = "assessment"
    verbose_name = _("Assessment")

    def ready(self) -> None:
        from cogov.core.metrics import on_touched

        from . import navigation, policy_kinds, rules  # noqa: F401
        from .rollups import on_touched as mark_rollups

        on_touched(mark_rollups)
        navigation.register()
