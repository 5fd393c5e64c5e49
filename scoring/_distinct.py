"""Distinct values and their counts, in ascending order, without sorting every value.

``np.unique`` sorts all n values; this numpy build has no SIMD sort, so that
costs about 45 ns a value (9 ms at 200,000 scores), while a rating's scores
hold far fewer distinct values (about 32,000 composites in 200,000). A
Python dict would count them in one pass; numpy has no hash table, so one is
built here from array operations: every value is scattered into a table at
a multiplicative hash of its bits, and a value that reads itself back owns
its slot. Each round settles every value that owns a slot (all its copies
hash alike), and the few that lost a collision go to the next round with
another multiplier. Only the distinct values are sorted at the end.
"""

from __future__ import annotations

import numpy as np

__all__ = ["distinct_counts"]

# Odd 64-bit multipliers (the golden-ratio constant and two of xxHash's primes).
_MULTIPLIERS = (
    np.uint64(0x9E3779B97F4A7C15),
    np.uint64(0xC2B2AE3D27D4EB4F),
    np.uint64(0x165667B19E3779F9),
)
# Below this many values a sort is as fast as the hash rounds.
_SMALL = 4096
# Fewest bits of a slot number (a table of at least 2,048 slots); at least 1.
_MIN_WIDTH = 11


def distinct_counts(v):
    """Sorted distinct values of ``v`` and how often each occurs.

    Parameters
    ----------
    v : ndarray of float64, shape (n,)
        Values without NaN. ``-0.0`` and ``0.0`` count as one value.

    Returns
    -------
    values : ndarray of float64, shape (m,)
        Distinct values, ascending.
    counts : ndarray of int64, shape (m,)
        Occurrences of each.

    Examples
    --------
    >>> values, counts = distinct_counts(np.array([2.0, 1.0, 2.0, -0.0, 0.0]))
    >>> values.tolist(), counts.tolist()
    ([0.0, 1.0, 2.0], [2, 1, 2])
    """
    # Adding +0.0 turns -0.0 into 0.0, so equal values have equal bits.
    bits = (v + 0.0).view(np.uint64)
    if bits.size < _SMALL:
        return _sorted_distinct(bits.view(np.float64))
    found_values, found_counts = [], []
    for multiplier in _MULTIPLIERS:
        bits = _hash_round(bits, multiplier, found_values, found_counts)
        if bits.size < _SMALL:
            break
    if bits.size:
        values, counts = _sorted_distinct(bits.view(np.float64))
        found_values.append(values.view(np.uint64))
        found_counts.append(counts)
    # The hash rounds find values in slot order: sort what was found.
    values = np.concatenate(found_values).view(np.float64)
    counts = np.concatenate(found_counts)
    order = _argsorted(values)
    return values[order], counts[order]


def _hash_round(bits, multiplier, found_values, found_counts):
    """Settle the values that own a slot; return the bits of those that do not."""
    # A table about half as long as the input: a longer one loses fewer values to
    # collisions, but finding its occupied slots costs more than the next round.
    width = max(_MIN_WIDTH, int(bits.size - 1).bit_length() - 1)
    slot = ((bits * multiplier) >> np.uint64(64 - width)).astype(np.intp)
    table = np.empty(1 << width, dtype=np.uint64)
    table[slot] = bits
    lost = np.take(table, slot) != bits
    counts = np.bincount(slot, minlength=table.size)
    if lost.any():
        lost = lost.nonzero()[0]
        counts -= np.bincount(slot[lost], minlength=table.size)
        rest = bits[lost]
    else:
        rest = bits[:0]
    # nonzero is several times faster on booleans than on int64.
    owned = counts.astype(bool).nonzero()[0]
    found_values.append(table[owned])
    found_counts.append(counts[owned])
    return rest


def _sorted_distinct(v):
    ordered = np.sort(v)
    first = np.empty(ordered.size, dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    at = np.flatnonzero(first)
    return ordered[at], np.diff(np.append(at, ordered.size))


def _argsorted(v):
    """``np.argsort(v)`` of distinct float64 values, faster on large inputs.

    A stable radix pass on a 16-bit bucket key (numpy radix-sorts integers of
    16 bits or fewer) leaves only the disorder inside each bucket, which
    timsort mends in near-linear time. The values are distinct, so any
    correct order is the order.
    """
    lo, hi = v.min(), v.max()
    scale = 65535.0 / (hi - lo) if hi > lo else 0.0
    if v.size < _SMALL or not (np.isfinite(lo) and np.isfinite(hi) and np.isfinite(scale) and scale > 0):
        return np.argsort(v)
    by_bucket = np.argsort(((v - lo) * scale).astype(np.uint16), kind="stable")
    return by_bucket[np.argsort(v[by_bucket], kind="stable")]
