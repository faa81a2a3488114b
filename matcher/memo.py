"""Values derived from arrays of an index, computed once per array object.

An index's arrays are never written once built (an update replaces them), so a
value derived from some of them holds as long as those very objects live. The
memo is keyed by the arrays' identity, checked through weak references, and an
entry goes when its first array does: a refit or a gathered selection has new
arrays and gets its own values.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np

T = TypeVar("T")

_MEMO: dict[tuple[str, tuple[int, ...]], tuple[tuple[weakref.ref[np.ndarray], ...], object]] = {}


def known(name: str, arrays: Sequence[np.ndarray]) -> object | None:
    """The value :func:`derived` holds for these array objects under ``name``, or None."""
    hit = _MEMO.get((name, tuple(id(a) for a in arrays)))
    if hit is not None and all(ref() is a for ref, a in zip(hit[0], arrays, strict=True)):
        return hit[1]
    return None


def derived(name: str, arrays: Sequence[np.ndarray], make: Callable[[], T]) -> T:
    """``make()``, computed once for these array objects under ``name`` (``name`` names ``make``)."""
    key = (name, tuple(id(a) for a in arrays))
    hit = _MEMO.get(key)
    if hit is not None and all(ref() is a for ref, a in zip(hit[0], arrays, strict=True)):
        return hit[1]  # type: ignore[return-value]
    value = make()
    _MEMO[key] = (tuple(weakref.ref(a) for a in arrays), value)
    weakref.finalize(arrays[0], _MEMO.pop, key, None)
    return value
