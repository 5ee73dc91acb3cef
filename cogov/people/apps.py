from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "cogov.people"
    label = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        from cogov.accounts import scopes

        from . import actions, selectors

        _ = actions  # registers the deadline breach handler (accounts.verification)

        if selectors.extend_reach not in scopes.EXTENDERS:
            scopes.EXTENDERS.append(selectors.extend_reach)

        from cogov.territory.actions import BUILDING_MOVE_HANDLERS

        if selectors.follow_building_moves not in BUILDING_MOVE_HANDLERS:
            BUILDING_MOVE_HANDLERS.append(selectors.follow_building_moves)
