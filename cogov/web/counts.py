"""Counts of grids, households and residents under territory nodes, in a fixed number of
queries (three) however many nodes are asked about."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q

from cogov.people.models import Person
from cogov.territory.models import Household, Level, Node


@dataclass
class NodeCounts:
    grids: int = 0
    households: int = 0
    residents: int = 0


def counts_under(nodes: Iterable[Node]) -> dict[int, NodeCounts]:
    """{node id: NodeCounts} for each node, counting what lies in its subtree."""
    nodes = list(nodes)
    result = {n.pk: NodeCounts() for n in nodes}
    if not nodes:
        return result

    def under(prefix: str) -> Q:
        condition = Q()
        for n in nodes:
            condition |= Q(**{f"{prefix}path__startswith": n.path})
        return condition

    grids = list(
        Node.objects.active().of_level(Level.GRID).filter(under("")).values_list("pk", "path")
    )
    households = Counter(
        dict(
            Household.objects.filter(under("building__grid__"))
            .values_list("building__grid_id")
            .annotate(n=Count("pk"))
            .values_list("building__grid_id", "n")
        )
    )
    residents = Counter(
        dict(
            Person.objects.filter(under("grid__"))
            .values_list("grid_id")
            .annotate(n=Count("pk"))
            .values_list("grid_id", "n")
        )
    )
    # A grid counts for every asked node on its path ("/1/7/42/").
    for gid, path in grids:
        for part in path.strip("/").split("/"):
            c = result.get(int(part))
            if c is not None:
                c.grids += 1
                c.households += households[gid]
                c.residents += residents[gid]
    return result
