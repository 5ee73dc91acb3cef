"""Ship the 2026 version of the residents' meeting rule as a platform policy effective
2026-01-01 (the Organic Law of Urban Residents' Committees, revised 2025-10-28).

The revised thresholds could not be verified (governance-mechanisms §7.3), so the values equal
the 2018 text and the row says so (`verified: false`). An administrator who has read the
promulgated text sets a new platform version from the same date; votes keep the rule they
opened with.
"""

import datetime as dt

from django.db import migrations

EFFECTIVE = dt.date(2026, 1, 1)
KIND = "voting.residents_meeting"
VALUE = {
    "quorum": {"numerator": 1, "denominator": 2, "inclusive": False},
    "quorum_base": "entitled",
    "majority": {"numerator": 1, "denominator": 2, "inclusive": False},
    "majority_base": "participating",
    "minimum_age": 18,
    "basis": "城市居民委员会组织法 (2025 revision, in force 2026-01-01): thresholds UNVERIFIED, "
    "set equal to the 2018 text until the promulgated text is read",
    "verified": False,
}
NOTE = "shipped by cogov.voting (migration 0002): 2026 statutory version, thresholds unverified"


def forwards(apps, schema_editor):
    Policy = apps.get_model("core", "Policy")
    if not Policy.objects.filter(kind=KIND, node__isnull=True, effective_from=EFFECTIVE).exists():
        Policy.objects.create(
            kind=KIND, node=None, effective_from=EFFECTIVE, value=VALUE, note=NOTE
        )


def backwards(apps, schema_editor):
    Policy = apps.get_model("core", "Policy")
    Policy.objects.filter(kind=KIND, node__isnull=True, effective_from=EFFECTIVE, note=NOTE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("voting", "0001_initial"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
