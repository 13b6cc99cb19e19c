import pytest

from votes.scoring import wilson_interval, wilson_lower_bound


@pytest.mark.parametrize(
    ("up", "total", "expected"),
    [(3, 3, 0.4385), (95, 100, 0.8883), (9, 10, 0.5958), (0, 10, 0.0), (5, 10, 0.2366)],
)
def test_wilson_lower_bound_known_values(up, total, expected):
    assert wilson_lower_bound(up, total) == pytest.approx(expected, abs=1e-4)


def test_no_votes_score_zero_and_know_nothing():
    assert wilson_lower_bound(0, 0) == 0.0
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_interval_contains_the_observed_share():
    low, high = wilson_interval(30, 40)
    assert low < 0.75 < high
    assert wilson_interval(40, 40)[1] == pytest.approx(1.0)


def test_ranking_order():
    tallies = {
        "3/3": (3, 3),
        "95/100": (95, 100),
        "9/10": (9, 10),
        "1/2": (1, 2),
        "none": (0, 0),
    }
    ranked = sorted(
        tallies, key=lambda k: wilson_lower_bound(*tallies[k]), reverse=True
    )
    assert ranked == ["95/100", "9/10", "3/3", "1/2", "none"]


@pytest.mark.django_db
def test_the_sql_score_equals_the_python_score_bit_for_bit():
    from django.db import connection

    from votes.scoring import wilson_lower_bound_sql

    if connection.vendor != "postgresql":
        pytest.skip("the vote's one statement is PostgreSQL's")
    pairs = [(up, total) for total in range(0, 60) for up in range(0, total + 1)]
    pairs += [(95, 100), (9, 10), (999_999, 1_000_000), (12_345, 67_890)]
    with connection.cursor() as cursor:
        for up, total in pairs:
            cursor.execute(f"SELECT {wilson_lower_bound_sql(str(up), str(total))}")
            assert cursor.fetchone()[0] == wilson_lower_bound(up, total), (up, total)
