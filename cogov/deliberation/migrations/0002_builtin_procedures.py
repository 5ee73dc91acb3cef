"""Ship the three procedures as data: 四议两公开, the six-step consultation, the owners'
assembly. Reversible: the reverse removes them (while no topic uses them)."""

from django.db import migrations

PROCEDURES = [
    {
        "key": "four-deliberations-two-disclosures",
        "name": "四议两公开",
        "description": (
            "Party organization proposes → the two committees discuss → the party members' "
            "meeting reviews → the residents' (representatives') meeting decides → the "
            "resolution is published → the results of implementation are published."
        ),
        "source": "governance-mechanisms §6.1 [S]",
        "steps": [
            ("propose", "党组织提议", "meeting", "party_organization", "", 10,
             ["proposal", "minutes"]),
            ("discuss", "两委商议", "meeting", "two_committees", "body_majority", 10,
             ["opinion", "minutes"]),
            ("review", "党员大会审议", "meeting", "party_members", "party_meeting", 15,
             ["review", "minutes", "vote"]),
            ("decide", "居民(代表)会议决议", "meeting", "residents_meeting", "residents_meeting",
             20, ["decision", "minutes", "vote"]),
            ("publish-resolution", "决议公开", "resolution", "residents_committee", "", 5,
             ["resolution on the notice board"]),
            ("publish-results", "实施结果公开", "results", "residents_committee", "", None,
             ["results of implementation"]),
        ],
    },
    {
        "key": "six-step-consultation",
        "name": "社区协商六步法",
        "description": (
            "Propose → notify → consult → adopt into a decision → feed back → supervise "
            "(党组织提议 → 事先告知 → 民主协商 → 纳入决策 → 决议反馈 → 过程监督)."
        ),
        "source": "governance-mechanisms §6.2 [S] (梁平 2015)",
        "steps": [
            ("propose", "党组织提议", "meeting", "party_organization", "", 10,
             ["topic", "parties concerned"]),
            ("notify", "事先告知", "notice", "residents_committee", "", 5,
             ["notice: topic, time, place, materials"]),
            ("consult", "民主协商", "meeting", "consultation", "", 20,
             ["opinions", "minutes"]),
            ("adopt", "纳入决策", "meeting", "two_committees", "body_majority", 10,
             ["decision", "vote"]),
            ("feed-back", "决议反馈", "resolution", "residents_committee", "", 5,
             ["resolution on the notice board"]),
            ("supervise", "过程监督", "results", "supervision", "", None,
             ["results of implementation"]),
        ],
    },
    {
        "key": "owners-assembly",
        "name": "业主大会",
        "description": (
            "Called by the owners' committee, or extraordinary on the request of 20% of the "
            "owners; 15 days' notice; decided under Civil Code art. 278."
        ),
        "source": "民法典 art. 278; 物业管理条例 arts. 13-14",
        "steps": [
            ("call", "业委会召集", "meeting", "owners_committee", "body_majority", 10,
             ["agenda", "minutes"]),
            ("decide", "业主大会表决", "meeting", "owners_assembly", "owners_joint", 30,
             ["decision", "vote"]),
            ("publish-resolution", "决定公告", "resolution", "owners_committee", "", 5,
             ["resolution on the notice board"]),
            ("publish-results", "执行结果公开", "results", "owners_committee", "", None,
             ["results of implementation"]),
        ],
    },
]


def forward(apps, schema_editor):
    Procedure = apps.get_model("deliberation", "Procedure")
    Step = apps.get_model("deliberation", "ProcedureStep")
    for spec in PROCEDURES:
        procedure, _created = Procedure.objects.update_or_create(
            key=spec["key"],
            defaults={
                "name": spec["name"],
                "description": spec["description"],
                "source": spec["source"],
                "builtin": True,
            },
        )
        Step.objects.filter(procedure=procedure).delete()
        for order, (key, name, kind, body, rule, deadline, outputs) in enumerate(
            spec["steps"], start=1
        ):
            Step.objects.create(
                procedure=procedure,
                order=order,
                key=key,
                name=name,
                kind=kind,
                body=body,
                rule=rule,
                deadline_working_days=deadline,
                outputs=outputs,
            )


def backward(apps, schema_editor):
    Procedure = apps.get_model("deliberation", "Procedure")
    Step = apps.get_model("deliberation", "ProcedureStep")
    keys = [spec["key"] for spec in PROCEDURES]
    Step.objects.filter(procedure__key__in=keys).delete()
    Procedure.objects.filter(key__in=keys).delete()


class Migration(migrations.Migration):
    dependencies = [("deliberation", "0001_topics_meetings_resolutions")]

    operations = [migrations.RunPython(forward, backward)]
