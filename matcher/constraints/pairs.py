"""Two views of the pairs a rule tests, so each rule is written once for both.

A rule reads per-client values, per-opening values and per-pair values
through a view; the view shapes them:

- :class:`AllPairs`: every client of a batch against every opening of an
  index, dense (C, J) results by broadcasting (the engine's block);
- :class:`ListedPairs`: listed pairs ``(rows[p], cols[p])``, flat (P,)
  results by gathering (the nightly prefilter, tests).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from matcher.commute import Commute
from matcher.features import ClientBatch, OpeningIndex

Blocked = Mapping[str, Collection[str]]  # client id -> opening ids the specialist rejected


class Pairs(Protocol):
    """What a rule may read: the batch, the index, and (when computed) commute and rejections."""

    @property
    def clients(self) -> ClientBatch: ...
    @property
    def index(self) -> OpeningIndex: ...
    @property
    def commute(self) -> Commute | None: ...
    @property
    def blocked(self) -> Blocked | None: ...

    def client(self, values: np.ndarray) -> np.ndarray:
        """A per-client (C,) array, shaped to combine with the others."""
        ...

    def opening(self, values: np.ndarray) -> np.ndarray:
        """A per-opening (J,) array, shaped to combine with the others."""
        ...

    def pair(self, values: np.ndarray) -> np.ndarray:
        """A (C, J) array of the batch against the index, at these pairs."""
        ...

    def lookup(self, table: np.ndarray, key: np.ndarray) -> np.ndarray:
        """``table[c, key[j]]`` of a (C, K) table and a (J,) per-opening column key."""
        ...

    def marked(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """True at the pairs listed as (client row, opening column)."""
        ...


@dataclass(frozen=True)
class AllPairs:
    """Every client of ``clients`` (or only ``rows`` of them) against every opening."""

    clients: ClientBatch
    index: OpeningIndex
    commute: Commute | None = None
    blocked: Blocked | None = None
    rows: np.ndarray | None = None  # a subset of client rows; None: all

    def _rows(self, values: np.ndarray) -> np.ndarray:
        return values if self.rows is None else values[self.rows]

    def client(self, values: np.ndarray) -> np.ndarray:
        return self._rows(values)[:, None]

    def opening(self, values: np.ndarray) -> np.ndarray:
        return values[None, :]

    def pair(self, values: np.ndarray) -> np.ndarray:
        return self._rows(values)

    def lookup(self, table: np.ndarray, key: np.ndarray) -> np.ndarray:
        result: np.ndarray = self._rows(table).take(key, axis=1)  # ``[:, key]``, several times faster
        return result

    def marked(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        n_rows = len(self.clients.clients) if self.rows is None else len(self.rows)
        out = np.zeros((n_rows, len(self.index.ids)), dtype=bool)
        if self.rows is not None:  # batch rows -> positions in the subset
            pos = np.full(len(self.clients.clients), -1, dtype=np.int64)
            pos[self.rows] = np.arange(len(self.rows))
            keep = pos[rows] >= 0
            rows, cols = pos[rows[keep]], cols[keep]
        out[rows, cols] = True
        return out


@dataclass(frozen=True)
class ListedPairs:
    """Pairs ``(rows[p], cols[p])`` of client rows of ``clients`` and opening columns of ``index``."""

    clients: ClientBatch
    index: OpeningIndex
    rows: np.ndarray
    cols: np.ndarray
    commute: Commute | None = None
    blocked: Blocked | None = None

    def client(self, values: np.ndarray) -> np.ndarray:
        result: np.ndarray = values[self.rows]
        return result

    def opening(self, values: np.ndarray) -> np.ndarray:
        result: np.ndarray = values[self.cols]
        return result

    def pair(self, values: np.ndarray) -> np.ndarray:
        result: np.ndarray = values[self.rows, self.cols]
        return result

    def lookup(self, table: np.ndarray, key: np.ndarray) -> np.ndarray:
        result: np.ndarray = table[self.rows, key[self.cols]]
        return result

    def marked(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        n = len(self.index.ids)
        return np.isin(self.rows.astype(np.int64) * n + self.cols, rows.astype(np.int64) * n + cols)

    def subset(self, at: np.ndarray) -> ListedPairs:
        """The pairs at positions ``at`` of this list."""
        return ListedPairs(self.clients, self.index, self.rows[at], self.cols[at], self.commute, self.blocked)
