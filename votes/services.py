"""Writes that keep the vote rows and the tallies on evidence pages in step."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F, Q

from core.pagecache import bump_after_commit
from remedies.models import EvidencePage

from .models import Vote
from .scoring import wilson_lower_bound


def _shift_tally(page_id: int, *, up: int = 0, down: int = 0) -> None:
    """Move a page's tallies by the given amounts and restore its score.

    Call inside the transaction that changes the vote rows, after locking the
    page row. F() keeps the counters exact even where the lock is a no-op
    (SQLite serialises writers instead).
    """
    EvidencePage.objects.filter(pk=page_id).update(
        votes_up=F("votes_up") + up,
        votes_down=F("votes_down") + down,
        votes_total=F("votes_total") + up + down,
    )
    new_up, new_total = EvidencePage.objects.values_list("votes_up", "votes_total").get(
        pk=page_id
    )
    EvidencePage.objects.filter(pk=page_id).update(
        score=wilson_lower_bound(new_up, new_total)
    )


def _lock_page(page_id: int) -> None:
    # Every vote on a page takes this row lock first, so concurrent votes on
    # one page run one after another and a member's double submit finds the
    # vote stored by the first.
    EvidencePage.objects.select_for_update().filter(pk=page_id).values_list(
        "pk"
    ).first()


def _delta(value: int | None) -> tuple[int, int]:
    if value == Vote.Value.UP:
        return 1, 0
    if value == Vote.Value.DOWN:
        return 0, 1
    return 0, 0


def cast_vote(*, member, page: EvidencePage, value: int) -> Vote:
    """Record or change `member`'s vote on `page`, updating its tallies."""
    if value not in Vote.Value.values:
        raise ValueError(f"Not a vote value: {value!r}")
    with transaction.atomic():
        _lock_page(page.pk)
        vote = Vote.objects.filter(member=member, page=page).first()
        old = vote.value if vote else None
        if old == value:
            return vote
        if vote is None:
            vote = Vote.objects.create(member=member, page=page, value=value)
        else:
            vote.value = value
            vote.save(update_fields=["value", "updated_at"])
        new_up, new_down = _delta(value)
        old_up, old_down = _delta(old)
        _shift_tally(page.pk, up=new_up - old_up, down=new_down - old_down)
        bump_after_commit(f"remedy:{page.remedy_id}")
    return vote


def retract_vote(*, member, page: EvidencePage) -> bool:
    """Withdraw `member`'s vote on `page`; False when there was none."""
    with transaction.atomic():
        _lock_page(page.pk)
        vote = Vote.objects.filter(member=member, page=page).first()
        if vote is None:
            return False
        up, down = _delta(vote.value)
        vote.delete()
        _shift_tally(page.pk, up=-up, down=-down)
        bump_after_commit(f"remedy:{page.remedy_id}")
    return True


@dataclass(frozen=True)
class Drift:
    page_id: int
    stored: tuple[int, int]
    counted: tuple[int, int]


def recount_tallies(*, fix: bool = True) -> list[Drift]:
    """Count every page's vote rows, compare with its tallies, and repair them.

    Returns the pages whose stored tallies (up, down) differed from the rows.
    A page found drifting is counted again under its lock before it is fixed,
    so votes cast while the recount runs are never overwritten.
    """
    counted = {
        row["page"]: (row["up"], row["down"])
        for row in Vote.objects.values("page").annotate(
            up=Count("pk", filter=Q(value=Vote.Value.UP)),
            down=Count("pk", filter=Q(value=Vote.Value.DOWN)),
        )
    }
    drift = []
    pages = EvidencePage.objects.values_list(
        "pk", "votes_up", "votes_down", "votes_total", "score"
    )
    for pk, up, down, total, score in pages.iterator():
        want_up, want_down = counted.get(pk, (0, 0))
        stale_score = (
            abs(score - wilson_lower_bound(want_up, want_up + want_down)) > 1e-9
        )
        if (up, down, total) == (
            want_up,
            want_down,
            want_up + want_down,
        ) and not stale_score:
            continue
        if not fix:
            drift.append(Drift(pk, (up, down), (want_up, want_down)))
            continue
        with transaction.atomic():
            _lock_page(pk)
            up, down = EvidencePage.objects.values_list("votes_up", "votes_down").get(
                pk=pk
            )
            rows = Vote.objects.filter(page_id=pk).aggregate(
                up=Count("pk", filter=Q(value=Vote.Value.UP)),
                down=Count("pk", filter=Q(value=Vote.Value.DOWN)),
            )
            if (up, down) != (rows["up"], rows["down"]):
                drift.append(Drift(pk, (up, down), (rows["up"], rows["down"])))
            EvidencePage.objects.filter(pk=pk).update(
                votes_up=rows["up"],
                votes_down=rows["down"],
                votes_total=rows["up"] + rows["down"],
                score=wilson_lower_bound(rows["up"], rows["up"] + rows["down"]),
            )
    if fix and drift:
        bump_after_commit("all")
    return drift


def retract_all_votes(*, member) -> int:
    """Withdraw every vote of `member` (before their account is deleted); returns how many."""
    with transaction.atomic():
        page_ids = sorted(
            Vote.objects.filter(member=member).values_list("page_id", flat=True)
        )
        # Lock pages in id order, as every voter does, so this cannot deadlock.
        for page_id in page_ids:
            _lock_page(page_id)
        votes = list(Vote.objects.filter(member=member))
        for vote in votes:
            up, down = _delta(vote.value)
            _shift_tally(vote.page_id, up=-up, down=-down)
        Vote.objects.filter(pk__in=[v.pk for v in votes]).delete()
        bump_after_commit("all")
    return len(votes)
