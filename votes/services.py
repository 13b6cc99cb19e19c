"""Writes that keep the vote rows and the tallies on evidence pages in step.

On PostgreSQL a vote is one statement: it checks the member's verified email,
writes or withdraws the vote row, and moves the page's tallies and score,
returning the new tallies. The page row is locked for that statement only,
so a busy page takes votes one statement after another. On SQLite (one
writer at a time) the same steps are a few statements in one transaction.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from core import freshness
from remedies.models import EvidencePage

from .models import Vote
from .scoring import wilson_lower_bound, wilson_lower_bound_sql


@dataclass(frozen=True)
class VoteResult:
    """What a vote did: refused (no verified email), changed the tallies or not, and the tallies now."""

    verified: bool
    changed: bool
    up: int
    down: int


# The SET clause moving a page's tallies by the statement's delta, and its score with them.
_UP, _TOTAL = "votes_up + delta.up", "votes_total + delta.up + delta.down"
_MOVE_TALLIES = (
    f"votes_up = {_UP}, votes_down = votes_down + delta.down, votes_total = {_TOTAL}, "
    f"score = {wilson_lower_bound_sql(_UP, _TOTAL)}"
)


_VERIFIED = "SELECT 1 FROM account_emailaddress WHERE user_id = %(member)s AND verified"

# One statement (PostgreSQL): verified? → the vote row → the page's tallies.
# A changed row's old value is the opposite of its new one (the update only
# happens when they differ); an inserted row had none.
_CAST_PG = f"""
WITH verified AS ({_VERIFIED} LIMIT 1),
changed AS (
    INSERT INTO votes_vote (member_id, page_id, value, created_at, updated_at)
    SELECT %(member)s, %(page)s, %(value)s, %(now)s, %(now)s
    WHERE EXISTS (SELECT 1 FROM verified)
    ON CONFLICT (member_id, page_id) DO UPDATE
        SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at
        WHERE votes_vote.value <> EXCLUDED.value
    RETURNING value, (xmax = 0) AS inserted
),
delta AS (
    SELECT
        COALESCE(SUM(CASE WHEN value = 1 THEN 1 WHEN inserted THEN 0 ELSE -1 END), 0)::int AS up,
        COALESCE(SUM(CASE WHEN value = -1 THEN 1 WHEN inserted THEN 0 ELSE -1 END), 0)::int AS down,
        COUNT(*) AS n
    FROM changed
),
moved AS (
    UPDATE remedies_evidencepage
    SET {_MOVE_TALLIES}
    FROM delta WHERE id = %(page)s AND delta.n > 0
    RETURNING votes_up, votes_down
)
SELECT EXISTS (SELECT 1 FROM verified), delta.n > 0,
       COALESCE(moved.votes_up, page.votes_up), COALESCE(moved.votes_down, page.votes_down)
FROM delta CROSS JOIN remedies_evidencepage AS page LEFT JOIN moved ON TRUE
WHERE page.id = %(page)s
"""

_RETRACT_PG = f"""
WITH verified AS ({_VERIFIED} LIMIT 1),
gone AS (
    DELETE FROM votes_vote
    WHERE member_id = %(member)s AND page_id = %(page)s AND EXISTS (SELECT 1 FROM verified)
    RETURNING value
),
delta AS (
    SELECT COALESCE(SUM(CASE WHEN value = 1 THEN -1 ELSE 0 END), 0)::int AS up,
           COALESCE(SUM(CASE WHEN value = -1 THEN -1 ELSE 0 END), 0)::int AS down,
           COUNT(*) AS n
    FROM gone
),
moved AS (
    UPDATE remedies_evidencepage
    SET {_MOVE_TALLIES}
    FROM delta WHERE id = %(page)s AND delta.n > 0
    RETURNING votes_up, votes_down
)
SELECT EXISTS (SELECT 1 FROM verified), delta.n > 0,
       COALESCE(moved.votes_up, page.votes_up), COALESCE(moved.votes_down, page.votes_down)
FROM delta CROSS JOIN remedies_evidencepage AS page LEFT JOIN moved ON TRUE
WHERE page.id = %(page)s
"""


def _shift_sqlite(cursor, page_id: int, up: int, down: int) -> tuple[int, int]:
    # SQLite lets one writer in at a time: the transaction holds the database
    # from its first write, so the score can follow from the tallies read back.
    cursor.execute(
        "UPDATE remedies_evidencepage SET votes_up = votes_up + %s, "
        "votes_down = votes_down + %s, votes_total = votes_total + %s "
        "WHERE id = %s RETURNING votes_up, votes_total",
        [up, down, up + down, page_id],
    )
    new_up, new_total = cursor.fetchone()
    cursor.execute(
        "UPDATE remedies_evidencepage SET score = %s WHERE id = %s",
        [wilson_lower_bound(new_up, new_total), page_id],
    )
    return new_up, new_total - new_up


def _sqlite_vote(member, page_id: int, value: int | None) -> VoteResult:
    """The same steps as the PostgreSQL statements, in one SQLite transaction."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_VERIFIED.replace("%(member)s", "%s"), [member.pk])
        if cursor.fetchone() is None:
            cursor.execute(
                "SELECT votes_up, votes_down FROM remedies_evidencepage WHERE id = %s",
                [page_id],
            )
            return VoteResult(False, False, *cursor.fetchone())
        now = timezone.now()
        up = down = 0
        if value is None:
            cursor.execute(
                "DELETE FROM votes_vote WHERE member_id = %s AND page_id = %s "
                "RETURNING value",
                [member.pk, page_id],
            )
            row = cursor.fetchone()
            if row:
                up, down = (-1, 0) if row[0] == Vote.Value.UP else (0, -1)
        else:
            cursor.execute(
                "UPDATE votes_vote SET value = %s, updated_at = %s "
                "WHERE member_id = %s AND page_id = %s AND value <> %s RETURNING 1",
                [value, now, member.pk, page_id, value],
            )
            if cursor.fetchone():  # changed: the old value was the other one
                up, down = (1, -1) if value == Vote.Value.UP else (-1, 1)
            else:
                cursor.execute(
                    "INSERT INTO votes_vote (member_id, page_id, value, created_at, "
                    "updated_at) VALUES (%s, %s, %s, %s, %s) "
                    "ON CONFLICT (member_id, page_id) DO NOTHING RETURNING 1",
                    [member.pk, page_id, value, now, now],
                )
                if cursor.fetchone():
                    up, down = (1, 0) if value == Vote.Value.UP else (0, 1)
        if not (up or down):
            cursor.execute(
                "SELECT votes_up, votes_down FROM remedies_evidencepage WHERE id = %s",
                [page_id],
            )
            return VoteResult(True, False, *cursor.fetchone())
        return VoteResult(True, True, *_shift_sqlite(cursor, page_id, up, down))


def _vote(member, page: EvidencePage, value: int | None) -> VoteResult:
    if connection.vendor == "postgresql":
        sql = _RETRACT_PG if value is None else _CAST_PG
        params = {"member": member.pk, "page": page.pk, "value": value}
        params["now"] = timezone.now()
        # One statement is atomic by itself; inside a caller's transaction a
        # savepoint keeps a failure from breaking it.
        block = transaction.atomic() if connection.in_atomic_block else nullcontext()
        try:
            with block, connection.cursor() as cursor:
                cursor.execute(sql, params)
                verified, changed, up, down = cursor.fetchone()
        except IntegrityError:
            # The member's account was deleted while this vote waited for it.
            return VoteResult(False, False, page.votes_up, page.votes_down)
        result = VoteResult(verified, changed, up, down)
    else:
        result = _sqlite_vote(member, page.pk, value)
    page.votes_up, page.votes_down = result.up, result.down
    page.votes_total = result.up + result.down
    page.score = wilson_lower_bound(result.up, page.votes_total)
    if result.changed:
        freshness.votes_changed(page)
    return result


def cast_vote(*, member, page: EvidencePage, value: int) -> VoteResult:
    """Record or change `member`'s vote on `page`, moving its tallies.

    Refused (nothing written) when the member has no verified email. `page`
    is given the new tallies.
    """
    if value not in Vote.Value.values:
        raise ValueError(f"Not a vote value: {value!r}")
    return _vote(member, page, value)


def retract_vote(*, member, page: EvidencePage) -> VoteResult:
    """Withdraw `member`'s vote on `page`; `changed` is False when there was none."""
    return _vote(member, page, None)


@dataclass(frozen=True)
class Drift:
    page_id: int
    stored: tuple[int, int]
    counted: tuple[int, int]


def _lock_pages(page_ids) -> None:
    # In id order, so two writers of many pages cannot deadlock.
    list(
        EvidencePage.objects.select_for_update()
        .filter(pk__in=page_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


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
            _lock_pages([pk])
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
        freshness.everything_changed()
    return drift


def retract_all_votes(*, member) -> int:
    """Withdraw every vote of `member` (before their account is deleted); returns how many.

    Call it inside the transaction that deletes the account, after locking the
    member's row (accounts.services.delete_account), so no vote of theirs can
    be added between this and the deletion.
    """
    with transaction.atomic():
        votes = list(Vote.objects.filter(member=member).values_list("page_id", "value"))
        page_ids = sorted({page_id for page_id, _ in votes})
        _lock_pages(page_ids)
        for page_id, value in votes:
            up, down = (1, 0) if value == Vote.Value.UP else (0, 1)
            EvidencePage.objects.filter(pk=page_id).update(
                votes_up=F("votes_up") - up,
                votes_down=F("votes_down") - down,
                votes_total=F("votes_total") - up - down,
            )
        Vote.objects.filter(member=member).delete()
        for page in EvidencePage.objects.filter(pk__in=page_ids).select_related(
            "remedy", "ailment"
        ):
            EvidencePage.objects.filter(pk=page.pk).update(
                score=wilson_lower_bound(page.votes_up, page.votes_total)
            )
            freshness.votes_changed(page)
    return len(votes)
