from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "cogov.funds"
    label = "funds"
    verbose_name = _("Community funds")
    default_auto_field = "django.db.models.BigAutoField"
