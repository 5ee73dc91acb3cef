"""Owners' joint decisions (Civil Code art. 278; SPC interpretation arts. 8-9), exact fractions."""

from __future__ import annotations

from fractions import Fraction

import pytest

from cogov.core.errors import ActionError
from cogov.people.models import Ownership, Person
from cogov.territory.models import PropertyUnit
from cogov.voting import actions
from cogov.voting.models import Elector, Vote
from cogov.voting.thresholds import Result

from .conftest import elector_for_unit, finish, paper

pytestmark = pytest.mark.django_db


def result_of(vote: Vote) -> Result:
    vote.refresh_from_db()
    return Result.from_dict(vote.result)


def threshold(result: Result, name: str):  # type: ignore[no-untyped-def]
    return next(t for t in result.thresholds if t.name == name)


# Eight flats of 100 m² and one of 300 m²: 9 owners, 1,100 m². Two thirds of the area is
# 733⅓ m²; the seven small flats alone (700 m², 7 of 9 owners) miss it by the big flat.
AREAS = ["100"] * 8 + ["300"]


@pytest.mark.usefixtures("english")  # asserts on English messages
def test_participation_misses_two_thirds_of_area_by_one_unit_and_says_so(
    world, owners_vote, client_for
):
    estate, vote = owners_vote(AREAS)
    for unit in estate.units[:7]:
        paper(world, vote, unit, "for")
    result = result_of(finish(world, vote))

    assert result.outcome == "failed"
    area = threshold(result, "participation_area")
    assert not area.passed
    assert Fraction(area.reached) == Fraction(700, 1100)
    assert area.required == "2/3" and area.inclusive
    assert threshold(result, "participation_owners").passed  # 7/9 ≥ 2/3
    assert [t.name for t in result.failed_thresholds] == ["participation_area"]
    assert "participation_area" in result.summary()
    page = client_for("admin").get(f"/voting/{vote.uuid}/results/").content.decode()
    assert "Failed on: Participation by exclusive area" in page
    assert "7/11" in page and "≥ 2/3" in page


def test_the_same_vote_with_that_unit_passes(world, owners_vote):
    estate, vote = owners_vote(AREAS)
    for unit in estate.units:  # the seven small flats and the big one
        if unit is estate.units[7]:
            continue  # one small flat stays away: 8 of 9 owners, 1,000 m²
        paper(world, vote, unit, "for")
    result = result_of(finish(world, vote))
    assert threshold(result, "participation_area").passed
    assert Fraction(threshold(result, "participation_area").reached) == Fraction(1000, 1100)
    assert result.outcome == "passed"


def test_exactly_two_thirds_participation_is_enough(world, owners_vote):
    estate, vote = owners_vote(["100"] * 9)
    for unit in estate.units[:6]:
        paper(world, vote, unit, "for")
    result = result_of(finish(world, vote))
    assert threshold(result, "participation_area").reached == "2/3"
    assert threshold(result, "participation_area").passed  # 以上: inclusive
    assert threshold(result, "participation_owners").passed


def test_major_matter_at_exactly_three_quarters_passes(world, owners_vote):
    estate, vote = owners_vote(["100"] * 9, matter="major")
    for i, unit in enumerate(estate.units[:8]):
        paper(world, vote, unit, "for" if i < 6 else "against")
    result = result_of(finish(world, vote))
    area, heads = threshold(result, "approval_area"), threshold(result, "approval_owners")
    assert (area.reached, heads.reached) == ("3/4", "3/4")
    assert area.required == "3/4" and area.inclusive
    assert area.passed and heads.passed
    assert result.outcome == "passed"


def test_major_matter_just_under_three_quarters_fails(world, owners_vote):
    estate, vote = owners_vote(["100"] * 7 + ["101"] * 2, matter="major")
    # 8 take part; the 6 in favour hold 600 of 801 m² (< 3/4) though they are 6/8 owners.
    for i, unit in enumerate(estate.units[:8]):
        paper(world, vote, unit, "for" if i < 6 else "against")
    result = result_of(finish(world, vote))
    assert not threshold(result, "approval_area").passed
    assert threshold(result, "approval_owners").passed
    assert result.outcome == "failed"


def test_more_than_half_at_exactly_half_fails(world, owners_vote):
    estate, vote = owners_vote(["100"] * 9)
    for i, unit in enumerate(estate.units[:8]):
        paper(world, vote, unit, "for" if i < 4 else "against")
    result = result_of(finish(world, vote))
    area, heads = threshold(result, "approval_area"), threshold(result, "approval_owners")
    assert (area.reached, heads.reached) == ("1/2", "1/2")
    assert not area.inclusive and not area.passed and not heads.passed  # 过半数: strict
    assert result.outcome == "failed"
    assert {t.name for t in result.failed_thresholds} == {"approval_area", "approval_owners"}


def test_more_than_half_passes_with_one_more(world, owners_vote):
    estate, vote = owners_vote(["100"] * 9)
    for i, unit in enumerate(estate.units[:9]):
        paper(world, vote, unit, "for" if i < 5 else "against")
    assert result_of(finish(world, vote)).outcome == "passed"


def test_unsold_units_count_as_one_owner(world, owners_vote):
    estate, _unused = owners_vote(["100"] * 6 + ["50", "60", "70"])
    for unit in estate.units[6:]:
        PropertyUnit.objects.filter(pk=unit.pk).update(unsold=True)
    vote = actions.create_vote(
        actor=world.users["admin"],
        node=estate.community,
        title="第二次表决",
        electorate="owners",
        rule="owners_joint",
        opens_at=_unused.opens_at,
    )
    vote = actions.open_vote(actor=world.users["admin"], vote=vote)
    electors = list(Elector.objects.filter(vote=vote))
    developer = [e for e in electors if e.key == "developer"]
    assert len(developer) == 1
    assert developer[0].area == 180 and developer[0].heads == 1
    assert vote.entitled_heads == 7  # six buyers + the developer
    assert vote.entitled_area == 780
    _unused.refresh_from_db()
    assert _unused.entitled_heads == 9  # the first vote's snapshot did not change


@pytest.mark.usefixtures("english")  # asserts on English messages
def test_co_owners_cast_one_vote_and_several_units_make_one_owner(
    world, owners_vote, django_user_model
):
    from .conftest import make_estate

    estate = make_estate(world, ["80", "90", "120"])
    first, second = estate.units[0], estate.units[1]
    # A second person co-owns the first flat; both have verified accounts.
    spouse = Person.objects.create(name="共有人", grid=estate.owners[0].grid)
    Ownership.objects.create(person=spouse, unit=first, since=first.building.grid.valid_from)
    a = django_user_model.objects.create_user("co_a")
    b = django_user_model.objects.create_user("co_b")
    Person.objects.filter(pk=estate.owners[0].pk).update(user=a)
    Person.objects.filter(pk=spouse.pk).update(user=b)
    # The owner of the third flat also owns the second one.
    Ownership.objects.filter(unit=second).delete()
    Ownership.objects.create(
        person=estate.owners[2], unit=second, since=first.building.grid.valid_from
    )

    from .conftest import open_vote

    vote = open_vote(world, node=estate.community, electorate="owners", rule="owners_joint")
    assert vote.entitled_heads == 2  # {first flat} and {second + third flat}
    assert vote.entitled_area == 290
    both = elector_for_unit(vote, second)
    assert both.units == sorted([second.pk, estate.units[2].pk]) and both.area == 210

    actions.cast_ballot(actor=a, vote=vote, choice="for")
    with pytest.raises(ActionError, match="already voted"):
        actions.cast_ballot(actor=b, vote=vote, choice="against")
    vote.refresh_from_db()
    assert vote.ballot_count == 1


def test_unverified_account_cannot_vote_online(world, owners_vote, django_user_model):
    _estate, vote = owners_vote(["100", "100"])
    stranger = django_user_model.objects.create_user("stranger")
    with pytest.raises(Exception, match="elector"):
        actions.cast_ballot(actor=stranger, vote=vote, choice="for")
