from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "cogov.assessment"
    label = "assessment"
    verbose_name = _("Assessment")

    def ready(self) -> None:
        from cogov.core.metrics import on_touched
        from cogov.core.tasks import after_sweep

        from . import navigation, policy_kinds, rules  # noqa: F401
        from .rollups import on_touched as mark_rollups
        from .rollups import refresh_dirty

        on_touched(mark_rollups)
        # Dirty rollups are repaired by the worker every sweep (COGOV_SWEEP_SECONDS), so a
        # dashboard seldom pays for a recomputation itself.
        after_sweep("assessment.refresh_dirty", refresh_dirty)
        navigation.register()
