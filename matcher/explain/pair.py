"""One (client, opening) pair of a scored block, as explanations read it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from matcher.commute import Commute
from matcher.config import MatcherConfig
from matcher.constraints import unknown_codes_at
from matcher.features import ClientBatch, OpeningIndex
from matcher.messages import render
from matcher.scoring import cognitive_gaps, preference_parts
from matcher.types import Client, Opening, Reason
from matcher.vocab import Vocabulary


@dataclass(frozen=True, slots=True)
class Details:
    """Factor parts of one pair that explanations quote: preference parts, cognitive gaps, unknowns."""

    parts: dict[str, tuple[float, bool]]
    gaps: np.ndarray  # (D,) before offsets
    left: np.ndarray  # (D,) after offsets
    unknown: int  # ``Unknown`` bits: the hard constraints the opening leaves undecided for the client
    shared: Shared = field(default_factory=lambda: Shared())  # the same object for a client's pairs of a pass


@dataclass(slots=True)
class Shared:
    """What the texts of one client's pairs of a pass have in common, filled by the first pair needing it.

    ``values``: by name (``explain.suggestions``), what depends only on the client, the index,
    the vocabulary and the configuration; the pairs of one :func:`pair_details` call share them.
    """

    values: dict[str, Any] = field(default_factory=dict)


def pair_details(
    clients: ClientBatch,
    index: OpeningIndex,
    config: MatcherConfig,
    cs: Sequence[int] | np.ndarray,
    js: Sequence[int] | np.ndarray,
) -> list[Details]:
    """Details of many pairs in one vectorised pass (a shortlist's k suggestions)."""
    ci, ji = np.asarray(cs, dtype=np.int64), np.asarray(js, dtype=np.int64)
    parts = preference_parts(clients, index, config.scoring, ci, ji)
    gaps, left = cognitive_gaps(clients, index, config.scoring, ci, ji)
    unknown = unknown_codes_at(clients, index, ci, ji).tolist()
    columns = [(name, v.tolist(), a.tolist()) for name, (v, a) in parts.items()]
    shared = {c: Shared() for c in dict.fromkeys(ci.tolist())}
    return [
        Details({name: (v[p], a[p]) for name, v, a in columns}, gaps[p], left[p], unknown[p], shared[c])
        for p, c in enumerate(ci.tolist())
    ]


@dataclass(frozen=True)
class Pair:
    """One (client, opening) pair of a scored block.

    ``details`` are the pair's preference parts and cognitive gaps when the
    caller computed them for many pairs at once (:func:`pair_details`).
    """

    c: int
    j: int
    clients: ClientBatch
    index: OpeningIndex
    commute: Commute
    vocab: Vocabulary
    config: MatcherConfig
    details: Details | None = None

    @cached_property
    def detail(self) -> Details:
        return self.details or pair_details(self.clients, self.index, self.config, [self.c], [self.j])[0]

    @cached_property
    def client(self) -> Client:
        return self.clients.clients[self.c]

    @cached_property  # read a dozen times per suggestion; a gathered index reads it through a view
    def opening(self) -> Opening:
        return self.index.openings[self.j]

    def mode_label(self, mode: int | str) -> str:
        """Display label of a travel mode, by name or by position in ``config.commute.modes``."""
        name = mode if isinstance(mode, str) else list(self.config.commute.modes)[mode]
        return self.vocab.modes.get(name, name)

    def acc_label(self, code: str) -> str:
        return self.vocab.accommodations[code].lower()


def reason(kind: str, code: str, factor: str | None, evidence: dict[str, Any], **display: Any) -> Reason:
    """A reason whose text is template ``code`` filled from its evidence and display values."""
    text = render(kind, code, {**evidence, **display} if display else evidence)
    return Reason(code, kind, text, factor, evidence)  # type: ignore[arg-type]
