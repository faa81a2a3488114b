"""The fairness audit: selection rates and impact ratios by group, with bootstrap intervals.

Input is one row per client: the self-reported group columns (a value, or :data:`UNSTATED`
when the client did not say or nothing was recorded), one boolean column per selection (got
at least one suggestion; approved by the specialist; hired) and the client's best suggestion
score (missing when they got none).

Method, for each selection and each grouping (one attribute, or an intersection of two):

1. **Selection rate** of each group: the share of its clients selected (what fairlearn's
   ``MetricFrame`` with ``selection_rate`` gives; the tests check it against fairlearn).
2. **Suppression**: a group of fewer than :data:`MIN_GROUP` clients shows neither its rate nor
   its count ("suppressed"): too few to say anything and too few to stay anonymous. Groups of
   clients who did not state the attribute are shown but never compared.
3. **Impact ratio** of a group: its rate over the highest rate among the groups shown (the
   four-fifths rule's reference, as NYC Local Law 144 reports it).
4. **Interval**: a 95 % smoothed (parametric) bootstrap of the ratio. In each of 2,000
   replicates every group's rate is redrawn from Beta(selected + ½ + 10·p, not selected + ½ +
   10·(1 − p)), p the rate of all compared clients: the binomial resampling of the group's
   clients, smoothed so that a group of 12 with 12 selected does not get an interval of width
   zero, and pulled toward the program's rate by the weight of 10 clients so that the luckiest
   of many small groups does not make every other group look selected less. The reference
   stays the group with the highest observed rate.
5. **Flag**: the whole interval is under 0.8 (four-fifths): the group is selected at under 80 %
   of the reference group's rate by more than chance gives groups of those sizes. A ratio under
   0.8 whose interval reaches above it is shown as "under four-fifths, within chance", not
   flagged. A flag asks for a look; it is not a verdict: the Uniform Guidelines (29 CFR
   1607.4(D)) name sample size and practical significance as reasons a ratio may mislead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

#: Groups smaller than this are shown as "suppressed".
MIN_GROUP = 10
#: The four-fifths rule: a ratio under this is flagged (when the interval is under 1 too).
FOUR_FIFTHS = 0.8
#: The value of a group column when the client did not state it.
UNSTATED = "not_stated"
N_BOOT = 2000
#: Weight, in clients, of the program-wide rate that each group's redrawn rate is pulled toward.
PRIOR = 10.0
CONFIDENCE = 0.95


def _grouping_name(columns: Sequence[str]) -> str:
    return " × ".join(columns)


def _labels(index: pd.Index) -> list[tuple[str, ...]]:
    return [tuple(str(v) for v in (key if isinstance(key, tuple) else (key,))) for key in index]


def _selection_frames(
    frame: pd.DataFrame, selections: Sequence[str], columns: Sequence[str]
) -> dict[str, pd.DataFrame]:
    """Per selection: the rate and count of each group (one pandas groupby for all selections).

    The rates are fairlearn's ``MetricFrame(selection_rate).by_group``; the tests check them
    against it, which is too slow to call per request (a second per grouping at 2,000 clients).
    """
    grouped = frame.groupby(list(columns), observed=True, sort=True)[list(selections)]
    rates, sizes = grouped.mean(), grouped.size()
    groups = _labels(rates.index)
    return {
        s: pd.DataFrame({"group": groups, "rate": rates[s].to_numpy(float), "n": sizes.to_numpy(int)})
        for s in selections
    }


def _bootstrap_ratios(
    rates: np.ndarray, sizes: np.ndarray, reference: int, *, prior: float, n_boot: int, seed: int
) -> np.ndarray:
    """(n_boot, groups) bootstrap impact ratios against the reference group's redrawn rate.

    Resampling a group's clients with replacement redraws its selected count from a binomial
    of its size and rate. The reference stays the group with the highest observed rate:
    taking the highest in each replicate would make almost every group look "below" by chance.
    """
    rng = np.random.default_rng(seed)
    selected = np.rint(rates * sizes)
    overall = selected.sum() / sizes.sum()
    a, b = selected + prior * overall + 0.5, sizes - selected + prior * (1 - overall) + 0.5
    drawn = rng.beta(a, b, size=(n_boot, len(rates)))
    top = drawn[:, [reference]]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(top > 0, drawn / top, np.nan)


def impact_ratios(
    frame: pd.DataFrame,
    *,
    selections: Sequence[str],
    groupings: Sequence[Sequence[str]],
    min_group: int = MIN_GROUP,
    threshold: float = FOUR_FIFTHS,
    n_boot: int = N_BOOT,
    confidence: float = CONFIDENCE,
    seed: int = 0,
) -> list[dict[str, Any]]:
    """Rows of selection rates and impact ratios, per selection, grouping and group.

    Parameters
    ----------
    frame : DataFrame
        One row per client: the group columns named in ``groupings`` and boolean ``selections``.
    selections : sequence of str
        The selection columns (e.g. ``suggested``, ``approved``, ``hired``).
    groupings : sequence of sequences of str
        Each a list of group columns: one for a single attribute, two for an intersection.
    min_group, threshold, n_boot, confidence, seed
        Suppression size, the four-fifths threshold, bootstrap replicates, interval level, seed.

    Returns
    -------
    list of dict
        ``selection``, ``grouping``, ``group`` (the values joined by " × "), ``n`` (None when
        suppressed), ``rate``, ``impact_ratio``, ``ci_low``, ``ci_high``, ``suppressed``,
        ``compared`` (False for unstated and suppressed groups), ``reference`` (the group with
        the highest rate), ``flag``.
    """
    rows: list[dict[str, Any]] = []
    tail = (1 - confidence) / 2
    for columns in groupings:
        tables = _selection_frames(frame, selections, columns) if len(frame) else {}
        for selection, table in tables.items():
            rows += _ratio_rows(
                table,
                selection,
                columns,
                min_group=min_group,
                threshold=threshold,
                n_boot=n_boot,
                tail=tail,
                seed=seed,
            )
    order = {s: i for i, s in enumerate(selections)}
    return sorted(rows, key=lambda r: order[r["selection"]])


def _ratio_rows(
    table: pd.DataFrame,
    selection: str,
    columns: Sequence[str],
    *,
    min_group: int,
    threshold: float,
    n_boot: int,
    tail: float,
    seed: int,
) -> list[dict[str, Any]]:
    stated = np.array([UNSTATED not in g for g in table["group"]])
    rates, sizes = table["rate"].to_numpy(float), table["n"].to_numpy(int)
    big = sizes >= min_group
    compared = stated & big
    ratios = np.full(len(table), np.nan)
    low, high = ratios.copy(), ratios.copy()
    reference = int(np.argmax(np.where(compared, rates, -1.0))) if compared.any() else -1
    if reference >= 0 and rates[reference] > 0:
        ratios[compared] = rates[compared] / rates[reference]
        boot = _bootstrap_ratios(
            rates[compared],
            sizes[compared],
            int(compared[:reference].sum()),
            prior=PRIOR,
            n_boot=n_boot,
            seed=seed,
        )
        low[compared] = np.nanquantile(boot, tail, axis=0)
        high[compared] = np.nanquantile(boot, 1 - tail, axis=0)
    names = [" × ".join(g) for g in table["group"]]
    return [
        {
            "selection": selection,
            "grouping": _grouping_name(columns),
            "group": names[i],
            "n": int(sizes[i]) if big[i] else None,
            "rate": float(rates[i]) if big[i] else None,
            "impact_ratio": _num(ratios[i]),
            "ci_low": _num(low[i]),
            "ci_high": _num(high[i]),
            "suppressed": not big[i],
            "compared": bool(compared[i]),
            "reference": names[reference] if reference >= 0 else None,
            "flag": bool(compared[i] and high[i] < threshold),
        }
        for i in range(len(table))
    ]


def _num(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def score_comparison(
    frame: pd.DataFrame,
    *,
    score: str,
    groupings: Sequence[Sequence[str]],
    min_group: int = MIN_GROUP,
    n_boot: int = N_BOOT,
    confidence: float = CONFIDENCE,
    seed: int = 0,
) -> list[dict[str, Any]]:
    """Median best-suggestion score per group, its bootstrap interval and its gap to all clients.

    Only clients with a score (at least one suggestion) count; groups under ``min_group`` of
    them are suppressed. ``difference`` is the group's median minus the median of every client
    with a score.
    """
    scored = frame[frame[score].notna()]
    overall = float(scored[score].median()) if len(scored) else None
    tail = (1 - confidence) / 2
    rng = np.random.default_rng(seed)
    rows: list[dict[str, Any]] = []
    for columns in groupings:
        if scored.empty:
            continue
        for key, part in scored.groupby(list(columns), observed=True, sort=True)[score]:
            values = part.to_numpy(float)
            big = len(values) >= min_group
            row: dict[str, Any] = {
                "grouping": _grouping_name(columns),
                "group": " × ".join(str(v) for v in (key if isinstance(key, tuple) else (key,))),
                "n": len(values) if big else None,
                "median_score": None,
                "ci_low": None,
                "ci_high": None,
                "difference": None,
                "suppressed": not big,
            }
            if big and overall is not None:
                median = float(np.median(values))
                draws = np.median(rng.choice(values, size=(n_boot, len(values))), axis=1)
                row |= {
                    "median_score": median,
                    "ci_low": float(np.quantile(draws, tail)),
                    "ci_high": float(np.quantile(draws, 1 - tail)),
                    "difference": median - overall,
                }
            rows.append(row)
    return rows
