from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetingConfig(AppConfig):
    name = "cogov.budgeting"
    label = "budgeting"
    verbose_name = _("Participatory budgeting")
    default_auto_field = "django.db.models.BigAutoField"
