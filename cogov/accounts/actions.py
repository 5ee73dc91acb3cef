"""Writes of accounts: memberships (roles over scopes) and personal API tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cogov.core.audit import record
from cogov.core.errors import ActionError, NotAllowed
from cogov.core.notifications import notify

from .models import ApiToken, Membership, User
from .predicates import covers
from .roles import OWN_HOUSEHOLD, OWN_ORGANIZATION, ROLES, Role
from .scopes import forget, reach

# Capabilities that only narrow what a role sees to its own household or organization; a
# granter need not hold them to grant a role that has them.
_NARROW = {OWN_HOUSEHOLD, OWN_ORGANIZATION}


def validate_scope(role: Role, node: Any, organization: Any) -> None:
    """A role's scope must fit it: a node of the role's level, an organization of one of its
    kinds, or nothing for a global role."""
    if node is not None and organization is not None:
        raise ActionError(_("Choose a node or an organization, not both."), field="node")
    if role.scope == "global":
        if node is not None or organization is not None:
            raise ActionError(
                _("This role applies everywhere; leave the scope empty."), field="node"
            )
    elif role.scope == "node":
        if node is None:
            raise ActionError(_("Choose the territorial unit of this role."), field="node")
        if node.level != role.level:
            raise ActionError(
                _("This role is held over a %(level)s, not a %(given)s.")
                % {"level": role.level, "given": node.level},
                field="node",
            )
    else:
        if organization is None:
            raise ActionError(_("Choose the organization of this role."), field="organization")
        if organization.kind not in role.org_kinds:
            raise ActionError(
                _("This role is not held in an organization of that kind."), field="organization"
            )


def check_grant(
    *,
    actor: Any,
    user: User,
    role: str,
    node: Any = None,
    organization: Any = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> None:
    """Raise ActionError/NotAllowed unless `actor` may give `user` this role (see
    grant_membership). Forms call it to show the reason next to the field."""
    found = ROLES.get(role)
    if found is None:
        raise ActionError(_("Unknown role."), field="role")
    validate_scope(found, node, organization)
    scope_node = node if node is not None else getattr(organization, "node", None)
    if not actor.has_perm("accounts.manage_memberships", scope_node):
        raise NotAllowed(_("You may not give roles here."))
    r = reach(actor)
    missing = [c for c in found.capabilities - _NARROW if not covers(r, c, scope_node)]
    if found.scope == "global" and not r.everything:
        missing.append("global")
    if missing:
        raise NotAllowed(_("You may not give a role with more rights than your own."))
    valid_from = valid_from or timezone.localdate()
    if valid_to is not None and valid_to <= valid_from:
        raise ActionError(_("The end date must be after the start date."), field="valid_to")
    if (
        Membership.objects.current(valid_from)
        .filter(user=user, role=role, node=node, organization=organization)
        .exists()
    ):
        raise ActionError(_("This person already holds this role here."), field="role")


def grant_membership(
    *,
    actor: Any,
    user: User,
    role: str,
    node: Any = None,
    organization: Any = None,
    title: str = "",
    full_time: bool = True,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> Membership:
    """Give `user` the role `role` over a node or an organization.

    The actor needs `accounts.manage_memberships` over the scope (global roles: a global role)
    and must hold, over that scope, every staff capability the granted role carries, so a
    community secretary can appoint grid workers but not a street official or an administrator.
    """
    check_grant(
        actor=actor,
        user=user,
        role=role,
        node=node,
        organization=organization,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    valid_from = valid_from or timezone.localdate()
    with transaction.atomic():
        membership = Membership.objects.create(
            user=user,
            role=role,
            node=node,
            organization=organization,
            title=title,
            full_time=full_time,
            valid_from=valid_from,
            valid_to=valid_to,
            created_by=actor,
        )
        record(actor, "membership.grant", membership, user=user.pk, role=role)
        notify([user], "accounts.membership_granted", _("You are now: %s") % membership)
    forget(user)
    return membership


def end_membership(*, actor: Any, membership: Membership, on: dt.date | None = None) -> Membership:
    """End a role on date `on` (today by default). One cannot end one's own global role, so
    that the last administrator cannot lock everybody out by accident."""
    scope_node = (
        membership.node if membership.node_id else getattr(membership.organization, "node", None)
    )
    if not actor.has_perm("accounts.manage_memberships", scope_node):
        raise NotAllowed(_("You may not end roles here."))
    if membership.user_id == actor.pk and ROLES[membership.role].scope == "global":
        raise ActionError(_("Ask another administrator to end your own administrator role."))
    on = on or timezone.localdate()
    if membership.valid_to is not None and membership.valid_to <= on:
        raise ActionError(_("This role has already ended."))
    if on < membership.valid_from:
        raise ActionError(_("A role cannot end before it starts."), field="valid_to")
    with transaction.atomic():
        Membership.objects.filter(pk=membership.pk).update(valid_to=on)
        membership.valid_to = on
        record(actor, "membership.end", membership, user=membership.user_id, role=membership.role)
        notify(
            [membership.user],
            "accounts.membership_ended",
            _("Your role has ended: %s") % membership,
        )
    forget(membership.user)
    return membership


def issue_api_token(*, actor: Any, name: str, user: User | None = None) -> tuple[ApiToken, str]:
    """A new personal API token. Returns the token and its key; the key is shown once and only
    its hash is stored. Users issue their own tokens; a global administrator may issue for
    another user (for an integration account)."""
    user = user or actor
    if not getattr(actor, "is_authenticated", False):
        raise NotAllowed(_("Sign in first."))
    if user.pk != actor.pk and not reach(actor).everything:
        raise NotAllowed(_("You may only create tokens for yourself."))
    name = (name or "").strip()
    if not name:
        raise ActionError(_("Name the token (what it is for)."), field="name")
    with transaction.atomic():
        token, key = ApiToken.issue(user, name[:100])
        record(actor, "api_token.issue", token, user=user.pk, prefix=token.prefix)
    return token, key


def revoke_api_token(*, actor: Any, token: ApiToken) -> ApiToken:
    """Revoke a token at once; the owner or a global administrator may."""
    if token.user_id != actor.pk and not reach(actor).everything:
        raise NotAllowed(_("You may only revoke your own tokens."))
    if token.revoked_at is not None:
        raise ActionError(_("This token is already revoked."))
    with transaction.atomic():
        now = timezone.now()
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=now)
        token.revoked_at = now
        record(actor, "api_token.revoke", token, user=token.user_id, prefix=token.prefix)
    return token
