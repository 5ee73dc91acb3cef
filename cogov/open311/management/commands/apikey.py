"""`cogov apikey ORGANIZATION [--name NAME] [--revoke KEY_PREFIX] [--as USERNAME]`

Issue an Open311 api_key for an organization (given by uuid, code or exact name) and print it
once, or revoke the key whose prefix is given. Runs the same actions as the page, as the user
named by --as (default: the first superuser or administrator).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cogov.core.errors import ActionError
from cogov.open311 import actions
from cogov.open311.models import ApiKey


def find_organization(ref: str) -> Any:
    """By uuid, by credit code (unified social credit code) or by exact name; one match only."""
    from cogov.organizations.models import Organization

    ref = ref.strip()
    try:
        found = list(Organization.objects.filter(uuid=uuid.UUID(ref)))
    except ValueError:
        found = list(Organization.objects.filter(credit_code=ref)[:2]) if ref else []
        if not found:
            found = list(Organization.objects.filter(name=ref)[:2])
    if not found:
        raise CommandError(f"no organization {ref!r}")
    if len(found) > 1:
        raise CommandError(f"{ref!r} names several organizations; give its uuid")
    return found[0]


class Command(BaseCommand):
    help = "Issue or revoke an Open311 api_key of an organization."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("organization", help="uuid, credit code or exact name")
        parser.add_argument("--name", default="", help="what the key is for")
        parser.add_argument("--revoke", metavar="KEY_PREFIX", help="revoke the key with prefix")
        parser.add_argument("--as", dest="username", help="acting user (default: a superuser)")

    def handle(self, *args: Any, **options: Any) -> None:
        org = find_organization(options["organization"])
        actor = self._actor(options.get("username"))
        try:
            if options.get("revoke"):
                prefix = options["revoke"].rstrip("…").strip()
                if len(prefix) < 6:
                    raise CommandError("give at least 6 characters of the key")
                keys = list(ApiKey.objects.filter(organization=org, prefix__startswith=prefix[:12]))
                keys = [
                    k for k in keys if prefix.startswith(k.prefix) or k.prefix.startswith(prefix)
                ]
                if len(keys) != 1:
                    raise CommandError(f"{len(keys)} keys of {org} match {prefix!r}")
                actions.revoke_api_key(actor=actor, key=keys[0])
                self.stdout.write(f"revoked {keys[0].prefix}… of {org}")
                return
            _key, raw = actions.issue_api_key(actor=actor, organization=org, name=options["name"])
        except ActionError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"api_key for {org} (shown once, store it now):")
        self.stdout.write(raw)

    def _actor(self, username: str | None) -> Any:
        users = get_user_model().objects.filter(is_active=True)
        if username:
            user = users.filter(username=username).first()
        else:
            from cogov.accounts.models import Membership

            admins = Membership.objects.current().filter(role="admin").values("user_id")
            user = (
                users.filter(is_superuser=True).order_by("pk").first()
                or users.filter(pk__in=admins).order_by("pk").first()
            )
        if user is None:
            raise CommandError(
                f"no active user {username!r}" if username else "no superuser; use --as USERNAME"
            )
        return user
