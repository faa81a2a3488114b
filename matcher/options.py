"""What would open more options: single changes within the client's reach, and what each opens.

For a client with a short list (or on request), each change below relaxes one of the client's
own limits, one at a time: a longer commute limit, a mode the client could learn (travel
training), a wider hours range, another availability window, a lower wage floor, disclosing
to employers, or dropping one exclusion. The engine's failure bits of the client against the
openings within reach are computed once; for a change, only the rule it touches is checked
again with the changed client value, and the openings it opens are those whose *only* failed
bit is that rule's and which now pass it (whole arrays, no per-pair loop). A change that opens
nothing is not proposed.

The text states facts: what would change and how many openings would fit. It never
recommends a change (disclosure least of all): the specialist and the client decide.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from matcher import commute as commute_mod
from matcher import geo, schedule
from matcher.candidates import MARGIN_KM, reach_km
from matcher.commute import Commute, TravelTimes
from matcher.config import CommuteConfig
from matcher.constraints import RULES, Failed, failed_codes
from matcher.features import ClientBatch, OpeningIndex
from matcher.features.clients import _named_exclusions as named_exclusions
from matcher.features.clients import take_clients
from matcher.features.terms import industry_code
from matcher.scoring import pair_scores
from matcher.types import Client, TimeWindow

if TYPE_CHECKING:
    from matcher.pipeline import Matcher, ScoredBatch

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, slots=True)
class OptionsConfig:
    """Which changes are tried.

    Attributes
    ----------
    commute_minutes : tuple of int
        Longer commute limits tried (minutes added).
    hours_step : tuple of float
        Hours per week by which the range is widened (minimum lowered, maximum raised).
    wage_step : tuple of float
        Dollars per hour by which the wage floor is lowered (never below 0).
    learnable_modes : tuple of str
        Modes a client could learn (travel training), tried when the client lacks them.
    windows : int
        Availability windows tried at most: those that the most openings failing only
        their schedule need.
    best : int
        Openings named per change (the best-scoring it would open).
    """

    commute_minutes: tuple[int, ...] = (15, 30)
    hours_step: tuple[float, ...] = (5.0, 10.0)
    wage_step: tuple[float, ...] = (1.0, 2.0)
    learnable_modes: tuple[str, ...] = ("transit",)
    windows: int = 4
    best: int = 3


@dataclass(frozen=True, slots=True)
class Opened:
    """An opening a change would open, scored as the changed client."""

    opening_id: str
    score: float


@dataclass(frozen=True, slots=True)
class Change:
    """One change within the client's reach and what it would open.

    ``client`` is the client record with the change made (for the engine to re-check);
    ``best`` the best-scoring openings it opens; :attr:`opening_ids` all of them.
    """

    kind: str
    rule: str
    text: str
    client: Client
    n_opened: int
    best: tuple[Opened, ...]
    # every opening it opens: columns of ``_ids``, turned into ids only when asked for
    _cols: np.ndarray = field(compare=False, repr=False)
    _ids: Sequence[str] = field(compare=False, repr=False)

    @property
    def best_score(self) -> float:
        return self.best[0].score if self.best else 0.0

    @property
    def opening_ids(self) -> tuple[str, ...]:
        """Every opening the change opens, sorted."""
        return tuple(sorted(self._ids[int(j)] for j in self._cols))


# The rules some change relaxes: an opening failing one of them alone may be opened.
_RELAXABLE = [
    int(f)
    for f in (
        Failed.COMMUTE_TOO_LONG,
        Failed.HOURS_OUT_OF_RANGE,
        Failed.SCHEDULE_OUTSIDE_AVAILABILITY,
        Failed.WAGE_BELOW_FLOOR,
        Failed.REQUIRED_ACCOMMODATION_UNAVAILABLE,
        Failed.EXCLUDED_INDUSTRY,
        Failed.EXCLUDED_EMPLOYER,
        Failed.EXCLUDED_KEYWORD,
        Failed.BACKGROUND_CHECK,
    )
]
_OPENABLE = np.isin(np.arange(1 << max(int(f) for f in Failed).bit_length()), _RELAXABLE)


def what_would_open(
    matcher: Matcher,
    client: Client,
    *,
    blocked: Mapping[str, Collection[str]] | None = None,
    travel_times: TravelTimes | None = None,
    config: OptionsConfig | None = None,
) -> tuple[Change, ...]:
    """The single changes that would open more openings for ``client``, best first.

    Ranked by how many more openings each opens, then by the best score among them.

    Parameters
    ----------
    matcher : Matcher
        A fitted engine (its index, candidates and configuration are used, never changed).
    client : Client
    blocked : mapping, optional
        Client id -> opening ids the specialist rejected (never opened by any change).
    travel_times : TravelTimes, optional
        Router minutes that override the commute estimate.
    config : OptionsConfig, optional
    """
    cfg = config or OptionsConfig()
    widest = _widest(client, cfg, list(matcher.config.commute.modes))
    reach = float(reach_km([widest], matcher.config.commute)[0])
    block = matcher.client_block(client, reach=reach, blocked=blocked, travel_times=travel_times)
    # Only an opening failing one rule a change relaxes, and nothing else, can be opened.
    routed = block.travel_times is not None
    sub, cols = matcher.block_openings(block, _openable(block.scored, block.index, reach, routed))
    batch, trip = _columns(block.scored.clients, block.scored.commute, cols)
    codes, rank = block.scored.codes[0, cols], block.order[cols]
    failing = {int(b) for b in np.unique(codes).tolist()}  # rule bits present alone, at all

    def tried(kind: str, code: Failed, changed: Client, batch2: ClientBatch, text: str) -> _Tried | None:
        if int(code) not in failing:  # nothing fails this rule alone: no change of it opens anything
            return None
        return _Tried(kind, code, text, changed, batch2)

    found = [t for t in _changes(client, batch, sub, matcher, cfg, codes, tried) if t is not None]
    changes = _without_redundant(
        _opened(found, batch, codes, trip, sub, rank, matcher, cfg, blocked, travel_times)
    )
    changes.sort(key=lambda ch: (-ch.n_opened, -ch.best_score, ch.kind, ch.text))
    return tuple(changes)


@dataclass(frozen=True, slots=True)
class _Tried:
    """A change to try: the changed client and its batch (only the relaxed rule's arrays differ)."""

    kind: str
    code: Failed
    text: str
    client: Client
    batch: ClientBatch


def _stacked(found: Sequence[_Tried], batch: ClientBatch) -> ClientBatch:
    """One batch whose row ``r`` is the client as changed by ``found[r]``."""
    stacked = take_clients(batch, [0] * len(found))
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(batch):
        own = getattr(batch, f.name)
        if f.name != "clients" and any(getattr(t.batch, f.name) is not own for t in found):
            value = getattr(stacked, f.name).copy()
            for r, t in enumerate(found):
                value[r] = getattr(t.batch, f.name)[0]
            changes[f.name] = value
    return dataclasses.replace(stacked, clients=tuple(t.client for t in found), **changes)


def _opened(
    found: Sequence[_Tried],
    batch: ClientBatch,
    codes: np.ndarray,
    trip: Commute,
    sub: OpeningIndex,
    rank: np.ndarray,
    matcher: Matcher,
    cfg: OptionsConfig,
    blocked: Mapping[str, Collection[str]] | None,
    travel_times: TravelTimes | None,
) -> list[Change]:
    """What each change opens, and how well: every change at once, as rows of one stacked batch.

    A row changing the commute (limit or modes) has its commute estimated anew, the others keep
    the client's (``trip``); the relaxed rules are checked
    on every row, and row ``r`` opens the openings whose only failed bit (``codes``) is its
    rule's and which pass that rule now. The opened pairs are scored as the changed client.
    """
    if not found:
        return []
    mcfg = matcher.config
    stacked = _stacked(found, batch)
    trip = _stacked_commute(found, stacked, trip, sub, mcfg.commute, travel_times)
    relaxed = [r for r in RULES if any(t.code is r.code for t in found)]
    now = failed_codes(stacked, sub, trip, blocked=blocked, rules=relaxed)
    own = np.array([int(t.code) for t in found], dtype=np.uint16)[:, None]
    ci, ji = np.nonzero((codes[None, :] == own) & ((now & own) == 0))
    scores = pair_scores(stacked, sub, trip, ci, ji, scoring=mcfg.scoring, commute_config=mcfg.commute)[1]
    at = np.searchsorted(ci, np.arange(len(found) + 1))
    out = []
    for r, t in enumerate(found):
        cols, mine = ji[at[r] : at[r + 1]], scores[at[r] : at[r + 1]]
        if not len(cols):
            continue
        order = np.lexsort((rank[cols], -mine))[: cfg.best]
        best = tuple(Opened(sub.ids[int(cols[q])], round(float(mine[q]), 2)) for q in order.tolist())
        out.append(Change(t.kind, str(t.code.name), t.text, t.client, len(cols), best, cols, sub.ids))
    return out


def _stacked_commute(
    found: Sequence[_Tried],
    stacked: ClientBatch,
    trip: Commute,
    sub: OpeningIndex,
    config: CommuteConfig,
    travel_times: TravelTimes | None,
) -> Commute:
    """Row ``r``: the commute of ``found[r]``'s client; only the rows changing it are estimated."""
    rows = np.array([r for r, t in enumerate(found) if t.code is Failed.COMMUTE_TOO_LONG], dtype=np.int64)
    minutes = np.repeat(trip.minutes, len(found), axis=0)
    mode = np.repeat(trip.mode, len(found), axis=0)
    feasible = np.repeat(trip.feasible, len(found), axis=0)
    overrides: dict[str, dict[tuple[int, int], float]] = {}
    for name, times in trip.overrides.items():
        overrides[name] = {(r, j): v for r in range(len(found)) for (_, j), v in times.items()}
    if travel_times is None or travel_times.frame.empty:  # every changed row in one estimate
        if len(rows):
            new = commute_mod.estimate(take_clients(stacked, rows.tolist()), sub, config=config)
            minutes[rows], mode[rows], feasible[rows] = new.minutes, new.mode, new.feasible
        return Commute(minutes=minutes, mode=mode, feasible=feasible, overrides=overrides)
    for r in rows.tolist():  # one at a time: a router table is looked up by client id
        new = commute_mod.estimate(take_clients(stacked, [r]), sub, config=config, travel_times=travel_times)
        minutes[r], mode[r], feasible[r] = new.minutes[0], new.mode[0], new.feasible[0]
        for name, times in new.overrides.items():
            overrides.setdefault(name, {}).update({(r, j): v for (_, j), v in times.items()})
    return Commute(minutes=minutes, mode=mode, feasible=feasible, overrides=overrides)


def _changes(
    client: Client,
    batch: ClientBatch,
    sub: OpeningIndex,
    matcher: Matcher,
    cfg: OptionsConfig,
    codes: np.ndarray,
    tried: Any,
) -> list[_Tried | None]:
    """Every change tried: the changed client, its batch (only the relaxed rule's arrays differ)."""
    out: list[_Tried | None] = []
    rep = dataclasses.replace
    modes = list(matcher.config.commute.modes)
    limit = client.max_commute_minutes
    for extra in cfg.commute_minutes:
        changed = rep(client, max_commute_minutes=limit + extra)
        b2 = rep(batch, limit=np.array([float(limit + extra)]))
        text = f"With a commute limit of {limit + extra} minutes instead of {limit}"
        out.append(tried("commute_limit", Failed.COMMUTE_TOO_LONG, changed, b2, text))
    for mode in cfg.learnable_modes:
        if mode in modes and mode not in client.modes:
            changed = rep(client, modes=(*client.modes, mode))
            has = batch.modes.copy()
            has[0, modes.index(mode)] = True
            text = f"If the client learned to travel by {mode} (travel training)"
            out.append(tried("learn_mode", Failed.COMMUTE_TOO_LONG, changed, rep(batch, modes=has), text))
    lo, hi = client.min_hours, client.max_hours
    for step in cfg.hours_step:
        if lo > 0:
            new = max(lo - step, 0.0)
            changed = rep(client, min_hours=new)
            text = f"With a minimum of {new:g} hours a week instead of {lo:g}"
            b2 = rep(batch, min_hours=np.array([new]))
            out.append(tried("min_hours", Failed.HOURS_OUT_OF_RANGE, changed, b2, text))
        changed = rep(client, max_hours=hi + step)
        text = f"With a maximum of {hi + step:g} hours a week instead of {hi:g}"
        b2 = rep(batch, max_hours=np.array([hi + step]))
        out.append(tried("max_hours", Failed.HOURS_OUT_OF_RANGE, changed, b2, text))
    if (codes == np.uint16(Failed.SCHEDULE_OUTSIDE_AVAILABILITY)).any():
        for window in _missing_windows(client, codes, sub)[: cfg.windows]:
            changed = rep(client, availability=(*client.availability, *window))
            b2 = rep(batch, avail=schedule.masks([changed.availability], cover=False))
            text = f"If the client were also available {_window_text(window)}"
            out.append(tried("availability", Failed.SCHEDULE_OUTSIDE_AVAILABILITY, changed, b2, text))
    floor = client.wage_floor
    for step in cfg.wage_step if floor > 0 else ():
        new = max(round(floor - step, 2), 0.0)
        changed = rep(client, wage_floor=new)
        text = f"With a wage floor of ${new:.2f} an hour instead of ${floor:.2f}"
        b2 = rep(batch, wage_floor=np.array([new]))
        out.append(tried("wage_floor", Failed.WAGE_BELOW_FLOOR, changed, b2, text))
    if not client.discloses and batch.required.any():
        changed = rep(client, discloses=True)
        text = (
            "If the client chose to disclose to employers (accommodations available on request "
            "would count); disclosure is the client's own choice"
        )
        b2 = rep(batch, discloses=np.array([True]))
        out.append(tried("disclose", Failed.REQUIRED_ACCOMMODATION_UNAVAILABLE, changed, b2, text))
    vocab, mcfg = matcher.vocab, matcher.config
    for name in client.excluded_industries:
        changed = rep(client, excluded_industries=tuple(x for x in client.excluded_industries if x != name))
        table = np.zeros_like(batch.excluded_industries)
        for phrase in changed.excluded_industries:
            code = industry_code(phrase, vocab, mcfg)
            if code >= 0:
                table[0, code] = True
        text = f'Without the excluded industry "{name}"'
        b2 = rep(batch, excluded_industries=table)
        out.append(tried("remove_exclusion", Failed.EXCLUDED_INDUSTRY, changed, b2, text))
    for name in client.excluded_employers:
        changed = rep(client, excluded_employers=tuple(x for x in client.excluded_employers if x != name))
        by_employer = named_exclusions([changed], sub)[0]
        text = f'Without the excluded employer "{name}"'
        b2 = rep(batch, excluded_by_employer=by_employer)
        out.append(tried("remove_exclusion", Failed.EXCLUDED_EMPLOYER, changed, b2, text))
    for name in client.excluded_keywords:
        changed = rep(client, excluded_keywords=tuple(x for x in client.excluded_keywords if x != name))
        by_keyword = named_exclusions([changed], sub)[1]
        text = f'Without the excluded keyword "{name}"'
        b2 = rep(batch, excluded_by_keyword=by_keyword)
        out.append(tried("remove_exclusion", Failed.EXCLUDED_KEYWORD, changed, b2, text))
    if client.avoid_background_check:
        changed = rep(client, avoid_background_check=False)
        text = "If the client accepted openings with a background check"
        b2 = rep(batch, avoid_background_check=np.array([False]))
        out.append(tried("remove_exclusion", Failed.BACKGROUND_CHECK, changed, b2, text))
    return out


def _without_redundant(found: list[Change]) -> list[Change]:
    """Of the steps of one kind and rule, keep a bigger step only when it opens more than a smaller."""
    out: list[Change] = []
    for ch in found:
        if ch.kind in ("commute_limit", "min_hours", "max_hours", "wage_floor"):
            if any(o.kind == ch.kind and o.n_opened >= ch.n_opened for o in out):
                continue
        out.append(ch)
    return out


def _widest(client: Client, cfg: OptionsConfig, modes: Sequence[str]) -> Client:
    """The client with the longest limit and every learnable mode tried: bounds every change's reach."""
    learn = tuple(m for m in cfg.learnable_modes if m in modes and m not in client.modes)
    extra = max(cfg.commute_minutes, default=0)
    return dataclasses.replace(
        client, modes=(*client.modes, *learn), max_commute_minutes=client.max_commute_minutes + extra
    )


def _openable(scored: ScoredBatch, index: OpeningIndex, reach: float, routed: bool) -> np.ndarray:
    """Sorted columns of the openings some change may open: failing one relaxed rule, and nothing else.

    Without a router table, the ones failing only the commute that lie beyond ``reach`` km
    (the widest reach any change gives; an opening with no place is beyond every reach) stay
    closed under every change: left out.
    """
    codes = scored.codes[0]
    maybe = _OPENABLE[codes]
    if not routed:
        beyond = index.xyz @ scored.clients.xyz[0] < geo.cos_of_km(reach + MARGIN_KM)
        maybe &= ~(beyond & (codes == np.uint16(Failed.COMMUTE_TOO_LONG)) & ~index.remote)
    return np.flatnonzero(maybe)


def _columns(batch: ClientBatch, trip: Commute, cols: np.ndarray) -> tuple[ClientBatch, Commute]:
    """The client's features and commute at the openings ``cols`` (of the block's index), in that order."""
    batch = dataclasses.replace(
        batch,
        excluded_by_employer=batch.excluded_by_employer[:, cols],
        excluded_by_keyword=batch.excluded_by_keyword[:, cols],
    )
    new = np.full(int(cols.max()) + 1 if len(cols) else 0, -1, dtype=np.int64)
    new[cols] = np.arange(len(cols))
    overrides = {
        name: {(c, int(new[j])): v for (c, j), v in times.items() if j < len(new) and new[j] >= 0}
        for name, times in trip.overrides.items()
    }
    picked = Commute(trip.minutes[:, cols], trip.mode[:, cols], trip.feasible[:, cols], overrides)
    return batch, picked


def _missing_windows(client: Client, codes: np.ndarray, sub: OpeningIndex) -> list[tuple[TimeWindow, ...]]:
    """Windows that would cover what some opening's shifts need beyond the availability.

    Per distinct shift pattern of the openings failing the schedule alone, its shifts not
    inside the availability (``schedule.uncovered``); kept when they are one shift, or the
    same hours on several days (one weekly window: "also 07:00-11:00 on Monday and Tuesday").
    Those needed by the most such openings first.
    """
    alone = codes == np.uint16(Failed.SCHEDULE_OUTSIDE_AVAILABILITY)
    _, first, counts = np.unique(sub.shift_inverse[alone], return_index=True, return_counts=True)
    seen: set[tuple[TimeWindow, ...]] = set()
    out: list[tuple[TimeWindow, ...]] = []
    for j in np.flatnonzero(alone)[first[np.argsort(-counts, kind="stable")]].tolist():
        uncovered = set(schedule.uncovered(client.availability, sub.openings[j].shifts or ()))
        missing = tuple(sorted(uncovered, key=lambda w: (w.day, w.start, w.end)))
        if missing and len({(w.start, w.end) for w in missing}) == 1 and missing not in seen:
            seen.add(missing)
            out.append(missing)
    return out


def _window_text(windows: tuple[TimeWindow, ...]) -> str:
    w = windows[0]
    days = [_DAYS[x.day % 7] for x in windows]
    named = days[0] if len(days) == 1 else ", ".join(days[:-1]) + " and " + days[-1]
    return f"{w.start // 60:02d}:{w.start % 60:02d}-{w.end // 60:02d}:{w.end % 60:02d} on {named}"


def change_to_dict(change: Change) -> dict[str, Any]:
    """A change as the API gives it (the changed client record stays inside the engine)."""
    return {
        "kind": change.kind,
        "code": change.rule,
        "text": f"{change.text}, {_more(change.n_opened)} would fit",
        "n_opened": change.n_opened,
        "best": [{"opening_id": o.opening_id, "score": o.score} for o in change.best],
    }


def _more(n: int) -> str:
    return f"{n} more opening" if n == 1 else f"{n} more openings"


__all__ = ["Change", "Opened", "OptionsConfig", "change_to_dict", "what_would_open"]
