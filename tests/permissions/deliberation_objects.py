"""The objects the role-matrix test checks the deliberation permissions against: community
nodes, topics (proposed by someone without a role), their comments, open surveys and posted
resolutions in the world's three communities (both streets) and in the other district. A
comment the persona wrote itself is posted through the action, on the first topic where the
persona may comment: only an author appeals."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from cogov.core.errors import NotAllowed
from cogov.deliberation import actions as a
from cogov.deliberation.models import Comment, Resolution, Survey, Topic


def deliberation_objects(
    world: Any, elsewhere: dict[str, Any], persona: str
) -> dict[str, list[Any]]:
    user = world.users[persona]
    other = type(user).objects.create_user(f"delib-other-{persona}")
    communities = [world.nodes[k] for k in ("C1", "C2", "C3")] + [elsewhere["C"]]
    topics = [
        Topic.objects.create(
            node=c,
            title="加装电梯",
            description="说明",
            source="residents",
            proposer=other,
            status="collecting",
        )
        for c in communities
    ]
    comments = [Comment.objects.create(topic=t, author=other, body="意见") for t in topics]
    for topic in topics:
        try:
            comments.append(a.post_comment(actor=user, topic=topic, body="我的意见"))
        except NotAllowed:
            continue
        break
    surveys = [
        Survey.objects.create(node=c, title="满意度", status="open", created_by=other)
        for c in communities
    ]
    resolutions = [
        Resolution.objects.create(
            topic=t,
            node=t.node,
            title="决议",
            text="同意加装电梯",
            status="published",
            posted_at=timezone.now(),
        )
        for t in topics
    ]
    on_communities = [
        "propose_topic",
        "convene",
        "organise_meeting",
        "manage_procedures",
        "suggest_topics",
    ]
    on_topics = ["view_topic", "cosign_topic", "comment", "triage_topic", "publish"]
    on_comments = ["report_abuse", "appeal", "moderate"]
    objects: dict[str, list[Any]] = {f"deliberation.{n}": communities for n in on_communities}
    objects.update({f"deliberation.{n}": topics for n in on_topics})
    objects.update({f"deliberation.{n}": comments for n in on_comments})
    objects["deliberation.answer_survey"] = surveys
    objects["deliberation.object"] = resolutions
    return objects
