"""The hash-chained ballot log and its verification.

Entry n's hash = SHA-256 of the canonical JSON of
    {"vote": <vote uuid>, "seq": n, "ballot": <ballot id>, "choice": [...],
     "heads": h, "area": "88.50", "prev": <hash of entry n-1, "" for the first>}
(keys sorted, no spaces, UTF-8). The vote keeps the head hash; closing publishes the digest
(SHA-256 of vote uuid, ballot count and head hash) in the close event, so that rewriting a
ballot, and even recomputing every later hash, changes the digest everyone has seen.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


def canonical(
    *, vote: str, seq: int, ballot: str, choice: list[str], heads: int, area: Decimal, prev: str
) -> bytes:
    content = {
        "vote": vote,
        "seq": seq,
        "ballot": ballot,
        "choice": [str(c) for c in choice],
        "heads": int(heads),
        "area": f"{Decimal(area):.2f}",
        "prev": prev,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(**content: Any) -> str:
    return hashlib.sha256(canonical(**content)).hexdigest()


def digest(vote_uuid: str, count: int, head: str) -> str:
    return hashlib.sha256(f"{vote_uuid}|{count}|{head}".encode()).hexdigest()


@dataclass
class Report:
    vote: str
    ballots: int = 0
    problems: list[str] = field(default_factory=list)
    digest: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(vote: Any) -> Report:
    """Recompute the chain from the stored ballots, compare it with the stored hashes, the
    vote's head, the published digest and the participation count, then re-tally and compare
    with the stored result. Reads raw rows (no caches)."""
    from .models import Ballot, Participation, Status, VoteEvent
    from .tally import tally

    report = Report(vote=str(vote.uuid))
    prev = ""
    expected_seq = 1
    ballots = list(Ballot.objects.filter(vote=vote).order_by("seq"))
    for b in ballots:
        if b.seq != expected_seq:
            report.problems.append(f"ballot log gap: expected entry {expected_seq}, found {b.seq}")
            expected_seq = b.seq
        if b.prev_hash != prev:
            report.problems.append(f"entry {b.seq}: previous-hash link broken")
        recomputed = entry_hash(
            vote=str(vote.uuid),
            seq=b.seq,
            ballot=str(b.id),
            choice=list(b.choice),
            heads=b.heads,
            area=b.area,
            prev=b.prev_hash,
        )
        if recomputed != b.hash:
            report.problems.append(f"entry {b.seq}: content does not match its hash (changed)")
        prev = b.hash
        expected_seq += 1
    report.ballots = len(ballots)
    if prev != (vote.head_hash or ""):
        report.problems.append("the vote's head hash does not match the last entry")
    if vote.ballot_count != len(ballots):
        report.problems.append(
            f"the vote counts {vote.ballot_count} ballots, the log holds {len(ballots)}"
        )
    participations = Participation.objects.filter(vote=vote).count()
    if participations != len(ballots):
        report.problems.append(f"{participations} participations but {len(ballots)} ballots")
    report.digest = digest(str(vote.uuid), len(ballots), prev)
    if vote.status in (Status.CLOSED, Status.TALLIED):
        published = (
            VoteEvent.objects.filter(subject=vote, to_status=Status.CLOSED)
            .values_list("evidence", flat=True)
            .first()
        )
        if published and published.get("digest") != report.digest:
            report.problems.append("the recomputed digest differs from the published digest")
        if vote.digest and vote.digest != report.digest:
            report.problems.append("the recomputed digest differs from the vote's digest")
    if vote.status == Status.TALLIED and vote.result:
        fresh = tally(vote).to_dict()
        stored = dict(vote.result)
        if fresh != stored:
            changed = sorted(k for k in fresh if fresh.get(k) != stored.get(k))
            report.problems.append(
                "re-tally differs from the published result: " + ", ".join(changed)
            )
    return report
