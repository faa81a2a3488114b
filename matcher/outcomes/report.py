"""IPS outcome reports: per program, per specialist, or per month or quarter.

Inputs are two frames the service reads from its database:

* ``clients``: ``client_id``, ``specialist`` (a label), ``enrolled_on`` (date), ``active`` (bool);
* ``placements``: ``client_id``, ``start_date``, ``end_date`` (missing while ongoing),
  ``competitive_integrated`` (bool), ``hourly_wage``, ``weekly_hours`` (missing when not recorded),
  ``separation_reason`` (missing while ongoing), ``in_stated_area`` (True, False, or missing when
  the client stated no areas; :func:`matcher.outcomes.in_stated_areas`).

For a group of clients and a window ``[start, end]`` (open ends allowed) a row counts:

* **served**: the group's clients enrolled on or before ``end``;
* **employed (competitive integrated)**: served clients with a competitive integrated job at any
  time in the window, and their share of those served;
* **first jobs**: served clients whose first job on or after enrolment started in the window, and
  the median days from enrolment to it (a job held before enrolment is not the program's);
* **jobs started** in the window, their median weekly hours and hourly wage (recorded values only),
  their Kaplan-Meier median tenure (ongoing jobs censored at ``as_of``) and the share of them in
  the client's stated areas (jobs of clients who stated areas only);
* **endings**: jobs that ended in the window, counted by separation reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from matcher.outcomes.tenure import km_median

PERIODS = {"month": "M", "quarter": "Q"}
GROUPINGS = ("program", "specialist", *PERIODS)
#: Periods a report over time shows when no first day is given (the last year in months).
DEFAULT_PERIODS = {"month": 12, "quarter": 8}
#: IPS fidelity: a specialist carries 20 clients or fewer.
CASELOAD_LIMIT = 20
PROGRAM = "Program"


def _dates(values: pd.Series) -> np.ndarray:
    days: np.ndarray = pd.to_datetime(values, errors="coerce").to_numpy("datetime64[D]")
    return days


@dataclass(frozen=True)
class Program:
    """The clients and jobs as arrays, and what does not depend on the group or window."""

    client_ids: np.ndarray
    specialist: np.ndarray
    as_of: np.datetime64
    enrolled: np.ndarray  # datetime64[D]
    first_start: np.ndarray  # each client's first job on or after enrolment (NaT: none)
    job_client: np.ndarray  # position of each job's client
    start: np.ndarray
    end: np.ndarray  # NaT while ongoing
    cie: np.ndarray
    wage: np.ndarray
    hours: np.ndarray
    reason: np.ndarray
    in_area: np.ndarray  # 1.0, 0.0, or NaN when the client stated no areas
    durations: np.ndarray
    ended: np.ndarray


def prepare_program(clients: pd.DataFrame, placements: pd.DataFrame, *, as_of: dt.date) -> Program:
    """The arrays every report of these clients and placements reads (build once, report often)."""
    return _program(clients, placements, np.datetime64(as_of, "D"))


def _program(clients: pd.DataFrame, placements: pd.DataFrame, as_of: np.datetime64) -> Program:
    ids = clients["client_id"].astype(str).to_numpy()
    enrolled = _dates(clients["enrolled_on"])
    position = {cid: i for i, cid in enumerate(ids)}
    jobs = placements[placements["client_id"].astype(str).isin(position)]
    job_client = np.array([position[c] for c in jobs["client_id"].astype(str)], dtype=int)
    start, end = _dates(jobs["start_date"]), _dates(jobs["end_date"])
    after = start >= enrolled[job_client]
    never = np.datetime64("9999-12-31")
    first = np.full(len(ids), never, dtype="datetime64[D]")
    np.minimum.at(first, job_client[after], start[after])
    first[first == never] = np.datetime64("NaT")
    stopped = ~np.isnat(end) & (end <= as_of)
    durations = np.maximum((np.where(stopped, end, as_of) - start).astype(float), 0.0)
    area = jobs["in_stated_area"].map({True: 1.0, False: 0.0}).astype(float).to_numpy()
    return Program(
        client_ids=ids,
        specialist=clients["specialist"].astype(str).to_numpy() if "specialist" in clients else ids,
        as_of=as_of,
        enrolled=enrolled,
        first_start=first,
        job_client=job_client,
        start=start,
        end=end,
        cie=jobs["competitive_integrated"].astype(bool).to_numpy(),
        wage=pd.to_numeric(jobs["hourly_wage"], errors="coerce").to_numpy(float),
        hours=pd.to_numeric(jobs["weekly_hours"], errors="coerce").to_numpy(float),
        reason=jobs["separation_reason"].fillna("not recorded").astype(str).to_numpy(),
        in_area=area,
        durations=durations,
        ended=stopped,
    )


def _between(values: np.ndarray, start: np.datetime64 | None, end: np.datetime64 | None) -> np.ndarray:
    inside: np.ndarray = ~np.isnat(values)
    if start is not None:
        inside &= values >= start
    if end is not None:
        inside &= values <= end
    return inside


def _median(values: np.ndarray) -> float | None:
    values = values[~np.isnan(values)]
    return float(np.median(values)) if values.size else None


def _summary(
    label: str,
    p: Program,
    members: np.ndarray,
    *,
    as_of: np.datetime64,
    start: np.datetime64 | None,
    end: np.datetime64 | None,
) -> dict[str, Any]:
    served = members & ((p.enrolled <= end) if end is not None else True)
    jobs = served[p.job_client]
    held = jobs & (p.start <= (end if end is not None else as_of))
    if start is not None:
        held &= np.isnat(p.end) | (p.end >= start)
    employed = np.unique(p.job_client[held & p.cie]).size
    started = jobs & _between(p.start, start, end)
    first = served & _between(p.first_start, start, end)
    days = (p.first_start[first] - p.enrolled[first]).astype(float)
    tenure = km_median(p.durations[started], p.ended[started])
    area = p.in_area[started]
    area = area[~np.isnan(area)]
    ended = jobs & _between(p.end, start, end)
    reasons, counts = np.unique(p.reason[ended], return_counts=True)
    n_served = int(served.sum())
    return {
        "group": label,
        "period_start": start.astype(dt.date) if start is not None else None,
        "period_end": end.astype(dt.date) if end is not None else None,
        "clients_served": n_served,
        "clients_employed_cie": int(employed),
        "cie_share": employed / n_served if n_served else None,
        "first_jobs": int(first.sum()),
        "days_to_first_job_median": _median(days),
        "jobs_started": int(started.sum()),
        "weekly_hours_median": _median(p.hours[started]),
        "hourly_wage_median": _median(p.wage[started]),
        "tenure_median_days": tenure.days,
        "tenure_median_reached": tenure.reached,
        "tenure_jobs_ended": tenure.ended,
        "jobs_with_stated_areas": int(area.size),
        "in_stated_area_share": float(area.mean()) if area.size else None,
        "jobs_ended": int(ended.sum()),
        "endings": {str(r): int(c) for r, c in zip(reasons, counts, strict=True)},
    }


def _periods(by: str, as_of: dt.date, since: dt.date | None) -> pd.PeriodIndex:
    freq = PERIODS[by]
    last = pd.Period(as_of, freq=freq)
    first = pd.Period(since, freq=freq) if since is not None else last - (DEFAULT_PERIODS[by] - 1)
    return pd.period_range(first, last, freq=freq)


def _day(value: dt.date | pd.Timestamp | None) -> np.datetime64 | None:
    return np.datetime64(pd.Timestamp(value).date(), "D") if value is not None else None


def outcome_table(
    clients: pd.DataFrame | Program,
    placements: pd.DataFrame | None = None,
    *,
    by: str,
    as_of: dt.date,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> list[dict[str, Any]]:
    """One row of outcome figures per group (``by``: program, specialist, month or quarter).

    Parameters
    ----------
    clients, placements : DataFrame
        As the module describes; or ``clients`` a :class:`Program` from :func:`prepare_program`
        (built for the same ``as_of``) and no placements.
    by : str
        ``program`` (one row), ``specialist`` (a row each), ``month`` or ``quarter`` (a row per
        period up to ``as_of``; the last 12 months or 8 quarters unless ``since`` is given).
    as_of : date
        The report date: ongoing jobs are censored here.
    since, until : date, optional
        The window (program and specialist rows); the first period (rows over time).

    Returns
    -------
    list of dict
        The rows, keys as in :func:`_summary` (``endings``: counts by separation reason).
    """
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {', '.join(GROUPINGS)}")
    now = np.datetime64(as_of, "D")
    if isinstance(clients, Program):
        program = clients
    else:
        assert placements is not None, "placements are needed with a clients frame"
        program = _program(clients, placements, now)
    everyone = np.ones(len(program.client_ids), dtype=bool)
    first, last = _day(since), _day(until)
    if by == "program":
        return [_summary(PROGRAM, program, everyone, as_of=now, start=first, end=last)]
    if by == "specialist":
        names = program.specialist
        return [
            _summary(name, program, names == name, as_of=now, start=first, end=last)
            for name in sorted(set(names))
        ]
    rows = []
    for period in _periods(by, as_of, since):
        start, end = _day(period.start_time), min(_day(period.end_time), now)  # type: ignore[type-var]
        rows.append(_summary(str(period), program, everyone, as_of=now, start=start, end=end))
    return rows


def caseload_sizes(clients: pd.DataFrame, *, limit: int = CASELOAD_LIMIT) -> list[dict[str, Any]]:
    """Active clients per specialist against the IPS fidelity limit (20 or fewer)."""
    active = clients[clients["active"].astype(bool)]
    counts = active.groupby("specialist").size()
    everyone = sorted(set(clients["specialist"]))
    return [
        {
            "specialist": s,
            "active_clients": int(counts.get(s, 0)),
            "within_limit": int(counts.get(s, 0)) <= limit,
        }
        for s in everyone
    ]


__all__ = ["CASELOAD_LIMIT", "GROUPINGS", "PERIODS", "caseload_sizes", "outcome_table"]
