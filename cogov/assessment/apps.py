from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "cogov.assessment"
    label = "assessment"
    verbose_name = _("Assessment")

    def ready(self) -> None:
        from . import policy_kinds, rules  # noqa: F401
