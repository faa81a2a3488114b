"""Evaluate the rule table: a dense bit mask for a block, or verdicts for listed pairs.

Each failed rule sets its bit, so an exclusion can list *every* reason it
fails. These evaluators are the only callers of ``Rule.fails`` and
``Rule.unknown``; an unknown never sets a failed bit.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from matcher.commute import Commute
from matcher.constraints.pairs import AllPairs, Blocked, ListedPairs, Pairs
from matcher.constraints.rules import PREFILTER, RULES, UNDECIDABLE, Rule
from matcher.features import ClientBatch, OpeningIndex


def _applies_to(rule: Rule, pairs: Pairs) -> np.ndarray | None:
    """(C,) bool of the clients the rule can fail for; None when it is every client."""
    if rule.applies is None:
        return None
    mask = np.asarray(rule.applies(pairs), dtype=bool)
    return None if mask.all() else mask


def failed_codes(
    clients: ClientBatch,
    index: OpeningIndex,
    commute: Commute,
    *,
    blocked: Blocked | None = None,
    rules: Sequence[Rule] = RULES,
) -> np.ndarray:
    """(C, J) uint16: bit per failed hard constraint; 0 means feasible.

    Parameters
    ----------
    clients : ClientBatch
    index : OpeningIndex
    commute : Commute
        The block's commute (``commute.estimate``).
    blocked : mapping, optional
        Client id -> opening ids the specialist rejected.
    rules : sequence of Rule
        The rules to check (default: the whole table).
    """
    codes = np.zeros((len(clients.clients), len(index.ids)), dtype=np.uint16)
    every = AllPairs(clients, index, commute, blocked)
    for rule in rules:
        mask = _applies_to(rule, every)
        rows = None if mask is None else np.flatnonzero(mask)
        if rows is not None and not len(rows):
            continue
        view = every if rows is None else AllPairs(clients, index, commute, blocked, rows)
        # shift the bool mask into the rule's bit: far faster than a masked ufunc
        bits = np.left_shift(rule.fails(view), int(rule.code).bit_length() - 1, dtype=np.uint16)
        if rows is None:
            np.bitwise_or(codes, bits, out=codes)
        else:
            codes[rows] |= bits
    return codes


def failed_codes_at(
    clients: ClientBatch,
    index: OpeningIndex,
    rows: np.ndarray,
    cols: np.ndarray,
    *,
    commute: Commute | None = None,
    blocked: Blocked | None = None,
    rules: Sequence[Rule] = PREFILTER,
) -> np.ndarray:
    """(P,) uint16 codes of listed pairs ``(rows[p], cols[p])``: every rule of ``rules`` on every pair.

    The default rules need neither ``commute`` nor ``blocked``; pass them to check the others.
    """
    listed = ListedPairs(clients, index, np.asarray(rows), np.asarray(cols), commute, blocked)
    codes = np.zeros(len(listed.rows), dtype=np.uint16)
    for rule in rules:
        mask = _applies_to(rule, listed)
        at = np.arange(len(codes)) if mask is None else np.flatnonzero(mask[listed.rows])
        fails = np.broadcast_to(rule.fails(listed.subset(at)), at.shape)
        codes[at[fails]] |= np.uint16(rule.code)
    return codes


def passes_at(
    clients: ClientBatch,
    index: OpeningIndex,
    rows: np.ndarray,
    cols: np.ndarray,
    *,
    rules: Sequence[Rule] = PREFILTER,
) -> np.ndarray:
    """(P,) bool: pair ``(rows[p], cols[p])`` passes every rule of ``rules``.

    Rules run in order, each on the pairs still standing, so put the most
    selective first (the table's order serves the nightly prefilter well).
    """
    listed = ListedPairs(clients, index, np.asarray(rows), np.asarray(cols))
    ok = np.ones(len(listed.rows), dtype=bool)
    alive = np.arange(len(listed.rows))
    for rule in rules:
        mask = _applies_to(rule, listed)
        at = alive if mask is None else alive[mask[listed.rows[alive]]]
        if not len(at):
            continue
        fails = np.broadcast_to(rule.fails(listed.subset(at)), at.shape)
        if fails.any():
            ok[at[fails]] = False
            alive = alive[ok[alive]]
    return ok


def unknown_codes_at(
    clients: ClientBatch,
    index: OpeningIndex,
    rows: np.ndarray,
    cols: np.ndarray,
    *,
    rules: Sequence[Rule] = UNDECIDABLE,
) -> np.ndarray:
    """(P,) uint16 ``Unknown`` bits of listed pairs: the rules left undecided for each.

    Only for the clients a rule applies to (a client without a wage floor has no wage question
    to ask of the rule). None of these rules needs the commute or the rejections.
    """
    listed = ListedPairs(clients, index, np.asarray(rows), np.asarray(cols))
    codes = np.zeros(len(listed.rows), dtype=np.uint16)
    for rule in rules:
        if rule.unknown is None:
            continue
        mask = _applies_to(rule, listed)
        at = np.arange(len(codes)) if mask is None else np.flatnonzero(mask[listed.rows])
        undecided = np.broadcast_to(rule.unknown(listed.subset(at)), at.shape)
        codes[at[undecided]] |= np.uint16(rule.unknown_code)
    return codes
