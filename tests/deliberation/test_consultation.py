"""Surveys with questions as data, anonymity, one answer per user, results in the metrics."""

from __future__ import annotations

import datetime as dt

import pytest

from cogov.core.errors import ActionError
from cogov.core.metrics import Period, compute
from cogov.deliberation import actions as a
from cogov.deliberation.models import Response

pytestmark = pytest.mark.django_db


def test_anonymous_satisfaction_survey_feeds_the_metric(delib) -> None:
    w = delib
    survey = a.create_survey(
        actor=w.community_worker,
        node=w.C1,
        title="满意度",
        kind="satisfaction",
        anonymous=True,
        questions=[
            {"kind": "scale", "text": "满意吗", "scale_min": 1, "scale_max": 5},
            {"kind": "single", "text": "继续吗", "options": ["是", "否"]},
            {"kind": "multiple", "text": "哪些方面", "options": ["环境", "停车", "安全"]},
            {"kind": "text", "text": "意见", "required": False},
        ],
    )
    qs = list(survey.questions.order_by("order"))
    with pytest.raises(ActionError):
        a.submit_response(actor=w.resident, survey=survey, answers={})  # not open
    a.open_survey(actor=w.community_worker, survey=survey)
    with pytest.raises(ActionError) as exc:
        a.submit_response(
            actor=w.resident,
            survey=survey,
            answers={qs[0].pk: 9, qs[1].pk: "是", qs[2].pk: ["环境"]},
        )
    assert exc.value.field == f"q{qs[0].pk}"
    a.submit_response(
        actor=w.resident,
        survey=survey,
        answers={qs[0].pk: 5, qs[1].pk: "是", qs[2].pk: ["停车", "环境"]},
    )
    a.submit_response(
        actor=w.owner,
        survey=survey,
        answers={qs[0].pk: 3, qs[1].pk: "否", qs[2].pk: ["安全"], qs[3].pk: "好"},
    )
    with pytest.raises(ActionError):
        a.submit_response(
            actor=w.owner, survey=survey, answers={qs[0].pk: 3, qs[1].pk: "否", qs[2].pk: ["安全"]}
        )
    assert Response.objects.filter(survey=survey, respondent__isnull=False).count() == 0
    results = a.survey_results(survey)
    assert results[0]["mean"] == 4
    assert dict(results[2]["counts"]) == {"环境": 1, "停车": 1, "安全": 1}
    today = dt.date.today()
    value = compute("deliberation.satisfaction", w.C1, Period.year(today.year))
    assert value is not None and str(value) == "0.7500"  # (1.0 + 0.5) / 2
