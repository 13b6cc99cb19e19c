"""The numbers computed from votes: pure functions, no database."""

from __future__ import annotations

import math

# The 97.5th percentile of the standard normal distribution: a 95% interval.
Z_95 = 1.959963984540054


def wilson_interval(up: int, total: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval for the share of up votes, as (low, high) in 0..1.

    With no votes nothing is known, so the interval is the whole range (0, 1).
    """
    if total <= 0:
        return (0.0, 1.0)
    p = up / total
    z2 = z * z
    denominator = 1 + z2 / total
    centre = p + z2 / (2 * total)
    margin = z * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total))
    return (
        max(0.0, (centre - margin) / denominator),
        min(1.0, (centre + margin) / denominator),
    )


def wilson_lower_bound(up: int, total: int) -> float:
    """The ranking score: 3 of 3 (≈ 0.44) ranks below 95 of 100 (≈ 0.89)."""
    if total <= 0:
        return 0.0
    return wilson_interval(up, total)[0]


def _sql_float(x: float) -> str:
    return f"CAST('{x!r}' AS DOUBLE PRECISION)"


def wilson_lower_bound_sql(up: str, total: str) -> str:
    """`wilson_lower_bound` as a PostgreSQL expression of two integer expressions.

    The same operations in the same order, in double precision, so the score a
    statement stores equals the one Python computes.
    """
    z, z2 = _sql_float(Z_95), _sql_float(Z_95 * Z_95)
    p = f"(CAST({up} AS DOUBLE PRECISION) / ({total}))"
    n = f"({total})"
    centre = f"({p} + {z2} / (2.0 * {n}))"
    margin = f"({z} * sqrt({p} * (1.0 - {p}) / {n} + {z2} / (4.0 * {n} * {n})))"
    low = f"(({centre} - {margin}) / (1.0 + {z2} / {n}))"
    return f"(CASE WHEN {n} <= 0 THEN 0.0 ELSE GREATEST(0.0, {low}) END)"
