"""Money (补贴金额): exact ``Decimal`` yuan, rounded half up to the fen.

Amounts are never floats: every function raises ``TypeError`` naming the
argument when given a float (or bool, or str), and ``ValueError`` naming it
for NaN, infinite or negative values. Integers are accepted as exact.
Rounding happens once, at the end of a community-and-period amount
(:func:`subsidy_amount`, :func:`co_funding`); splitting a rounded total
(:func:`split_by_weights`, :func:`split_by_payers`) adds back to it exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

__all__ = [
    "DEFAULT_TAPER",
    "FEN",
    "co_funding",
    "round_fen",
    "split_by_payers",
    "split_by_weights",
    "subsidy_amount",
    "taper_factor",
]

FEN = Decimal("0.01")

#: Taper (退坡) factors for years 1, 2, ... since the subsidy started;
#: years past the end use the last factor.
DEFAULT_TAPER = tuple(Decimal(v) for v in ("1", "0.8", "0.6", "0.4", "0.2", "0"))

# Enough digits that products of areas, rates, months and factors are exact
# before the single rounding step.
_EXACT_PREC = 60


def _decimal(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise TypeError(f"{name} must be a Decimal or int, not {type(value).__name__}")
    d = Decimal(value)
    if not d.is_finite():
        raise ValueError(f"{name} must be a finite amount, got {d}")
    if d < 0:
        raise ValueError(f"{name} must not be negative, got {d}")
    return d


def round_fen(amount):
    """Round to the fen (0.01 yuan), half up.

    Examples
    --------
    >>> round_fen(Decimal("2.345")), round_fen(Decimal("2.344")), round_fen(3)
    (Decimal('2.35'), Decimal('2.34'), Decimal('3.00'))
    """
    return _decimal("amount", amount).quantize(FEN, rounding=ROUND_HALF_UP)


def _exact_product(*named):
    with localcontext() as ctx:
        ctx.prec = _EXACT_PREC
        out = Decimal(1)
        for name, value in named:
            out *= _decimal(name, value)
        return out


def subsidy_amount(area, rate, months=1, factor=1):
    """Subsidy of one community for one period: area x rate x months x factor.

    Parameters
    ----------
    area : Decimal or int
        Floor area in m².
    rate : Decimal or int
        Yuan per m² per month (e.g. ``Decimal("0.1")``).
    months : Decimal or int
        Months in the period (3 for a quarter).
    factor : Decimal or int
        Multiplier such as a taper factor or an assessment reduction.

    Returns
    -------
    Decimal
        Rounded half up to the fen, once.

    Examples
    --------
    >>> subsidy_amount(Decimal("12345.67"), Decimal("0.1"), 3)
    Decimal('3703.70')
    >>> subsidy_amount(Decimal("1000.05"), Decimal("0.3"), 1, taper_factor(2))
    Decimal('240.01')
    """
    exact = _exact_product(("area", area), ("rate", rate), ("months", months), ("factor", factor))
    return exact.quantize(FEN, rounding=ROUND_HALF_UP)


def co_funding(paid, share):
    """Award in lieu of subsidy (以奖代补): ``share`` of an amount paid, to the fen.

    Examples
    --------
    >>> co_funding(Decimal("3703.71"), Decimal("0.5"))
    Decimal('1851.86')
    """
    exact = _exact_product(("paid", paid), ("share", share))
    return exact.quantize(FEN, rounding=ROUND_HALF_UP)


def taper_factor(year, schedule=DEFAULT_TAPER):
    """Taper factor for the given subsidy year (1 = first year).

    Parameters
    ----------
    year : int
        Year since the subsidy started, ``>= 1``.
    schedule : sequence of Decimal
        Factors for years 1, 2, ...; later years use the last one.

    Examples
    --------
    >>> [str(taper_factor(y)) for y in (1, 2, 6, 9)]
    ['1', '0.8', '0', '0']
    """
    if isinstance(year, bool) or not isinstance(year, int):
        raise TypeError(f"year must be an int, not {type(year).__name__}")
    if year < 1:
        raise ValueError(f"year must be at least 1, got {year}")
    if not schedule:
        raise ValueError("schedule must not be empty")
    value = schedule[min(year, len(schedule)) - 1]
    return _decimal(f"schedule[{min(year, len(schedule)) - 1}]", value)


def split_by_weights(total, weights):
    """Split a total into parts proportional to weights, adding back exactly.

    Largest-remainder (Hamilton) method in fen: each part gets the floor of
    its exact quota, and the fen left over go one each to the largest
    remainders; equal remainders go to the earlier part first.

    Parameters
    ----------
    total : Decimal or int
        Whole fen (at most two decimal places).
    weights : sequence of Decimal or int
        Non-negative, not all zero.

    Returns
    -------
    list of Decimal
        Same length as ``weights``, each quantized to the fen; ``sum == total``.

    Examples
    --------
    >>> [str(p) for p in split_by_weights(Decimal("100.00"), [1, 1, 1])]
    ['33.34', '33.33', '33.33']
    """
    t = _decimal("total", total)
    if t != t.quantize(FEN):
        raise ValueError(f"total must be whole fen, got {t}")
    if isinstance(weights, (str, bytes)) or not isinstance(weights, Sequence):
        raise TypeError("weights must be a sequence of Decimal or int")
    w = [Fraction(_decimal(f"weights[{i}]", v)) for i, v in enumerate(weights)]
    wsum = sum(w)
    if not w or wsum == 0:
        raise ValueError("weights must not be empty or all zero")
    fen = int(t.scaleb(2))
    quotas = [fen * wi / wsum for wi in w]
    parts = [q.numerator // q.denominator for q in quotas]
    left = fen - sum(parts)
    order = sorted(range(len(w)), key=lambda i: (-(quotas[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return [Decimal(p).scaleb(-2).quantize(FEN) for p in parts]


def split_by_payers(total, shares):
    """Split a total between payer levels (e.g. district / town / city).

    Parameters
    ----------
    total : Decimal or int
        Whole fen.
    shares : mapping of str to Decimal or int
        Fractions per payer, summing to exactly 1.

    Returns
    -------
    dict of str to Decimal
        Same keys and order; the parts add up to ``total`` exactly.

    Examples
    --------
    >>> split_by_payers(Decimal("0.05"), {"district": Decimal("0.5"), "town": Decimal("0.5")})
    {'district': Decimal('0.03'), 'town': Decimal('0.02')}
    """
    if not isinstance(shares, Mapping):
        raise TypeError("shares must be a mapping of payer to fraction")
    values = [_decimal(f"shares[{k!r}]", v) for k, v in shares.items()]
    if sum(values) != 1:
        raise ValueError(f"shares must sum to 1, got {sum(values)}")
    return dict(zip(shares, split_by_weights(total, values)))
