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


def _dates(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, errors="coerce")


def _frames(clients: pd.DataFrame, placements: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    # Ids as text even in an empty frame (pandas types an empty column float64; merges need one type).
    clients = clients.assign(
        client_id=clients["client_id"].astype(str) if "client_id" in clients else [],
        enrolled_on=_dates(clients["enrolled_on"]),
    )
    jobs = placements.assign(
        client_id=placements["client_id"].astype(str),
        start_date=_dates(placements["start_date"]),
        end_date=_dates(placements["end_date"]),
        hourly_wage=pd.to_numeric(placements["hourly_wage"], errors="coerce"),
        weekly_hours=pd.to_numeric(placements["weekly_hours"], errors="coerce"),
    )
    return clients, jobs


def _between(values: pd.Series, start: pd.Timestamp | None, end: pd.Timestamp | None) -> pd.Series:
    inside = values.notna()
    if start is not None:
        inside &= values >= start
    if end is not None:
        inside &= values <= end
    return inside


def _median(values: pd.Series) -> float | None:
    values = values.dropna()
    return float(values.median()) if len(values) else None


def _summary(
    label: str,
    clients: pd.DataFrame,
    jobs: pd.DataFrame,
    *,
    as_of: pd.Timestamp,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
) -> dict[str, Any]:
    served = clients if end is None else clients[clients["enrolled_on"] <= end]
    jobs = jobs[jobs["client_id"].isin(served["client_id"])]
    held = (jobs["start_date"] <= (end if end is not None else as_of)) & (
        jobs["end_date"].isna() | (jobs["end_date"] >= (start if start is not None else jobs["start_date"]))
    )
    employed = jobs.loc[held & jobs["competitive_integrated"].astype(bool), "client_id"].nunique()
    started = jobs[_between(jobs["start_date"], start, end)]
    first = _first_jobs(served, jobs)
    first = first[_between(first["first_start"], start, end)]
    tenure = km_median(*job_durations(started, as_of=as_of))
    in_area = started["in_stated_area"].dropna().astype(bool)
    ended = jobs[_between(jobs["end_date"], start, end)]
    endings = ended["separation_reason"].fillna("not recorded").value_counts().sort_index()
    n_served = len(served)
    return {
        "group": label,
        "period_start": start.date() if start is not None else None,
        "period_end": end.date() if end is not None else None,
        "clients_served": n_served,
        "clients_employed_cie": int(employed),
        "cie_share": employed / n_served if n_served else None,
        "first_jobs": len(first),
        "days_to_first_job_median": _median(first["days_to_first_job"]),
        "jobs_started": len(started),
        "weekly_hours_median": _median(started["weekly_hours"]),
        "hourly_wage_median": _median(started["hourly_wage"]),
        "tenure_median_days": tenure.days,
        "tenure_median_reached": tenure.reached,
        "tenure_jobs_ended": tenure.ended,
        "jobs_with_stated_areas": len(in_area),
        "in_stated_area_share": float(in_area.mean()) if len(in_area) else None,
        "jobs_ended": len(ended),
        "endings": {str(k): int(v) for k, v in endings.items()},
    }


def job_durations(jobs: pd.DataFrame, *, as_of: pd.Timestamp) -> tuple[np.ndarray, np.ndarray]:
    """Days each job lasted (ended by ``as_of``) or has lasted so far (censored), and which ended."""
    stop = jobs["end_date"].where(jobs["end_date"] <= as_of)
    durations = (stop.fillna(as_of) - jobs["start_date"]).dt.days.clip(lower=0).to_numpy(float)
    return durations, stop.notna().to_numpy(bool)


def tenure_inputs(placements: pd.DataFrame, *, as_of: dt.date) -> tuple[np.ndarray, np.ndarray]:
    """:func:`job_durations` of every placement (for a Kaplan-Meier curve of the whole scope)."""
    _, jobs = _frames(pd.DataFrame({"enrolled_on": []}), placements)
    return job_durations(jobs, as_of=pd.Timestamp(as_of))


def _first_jobs(clients: pd.DataFrame, jobs: pd.DataFrame) -> pd.DataFrame:
    """Each client's first job on or after enrolment, with the days it took."""
    merged = jobs[["client_id", "start_date"]].merge(clients[["client_id", "enrolled_on"]], on="client_id")
    merged = merged[merged["start_date"] >= merged["enrolled_on"]]
    first = merged.groupby("client_id", as_index=False).agg(
        first_start=("start_date", "min"), enrolled_on=("enrolled_on", "first")
    )
    return first.assign(days_to_first_job=(first["first_start"] - first["enrolled_on"]).dt.days)


def _periods(by: str, as_of: pd.Timestamp, since: pd.Timestamp | None) -> pd.PeriodIndex:
    freq = PERIODS[by]
    last = pd.Period(as_of, freq=freq)
    first = pd.Period(since, freq=freq) if since is not None else last - (DEFAULT_PERIODS[by] - 1)
    return pd.period_range(first, last, freq=freq)


def outcome_table(
    clients: pd.DataFrame,
    placements: pd.DataFrame,
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
        As the module describes.
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
    clients, jobs = _frames(clients, placements)
    now = pd.Timestamp(as_of)
    first = pd.Timestamp(since) if since is not None else None
    last = pd.Timestamp(until) if until is not None else None
    if by == "program":
        return [_summary(PROGRAM, clients, jobs, as_of=now, start=first, end=last)]
    if by == "specialist":
        return [
            _summary(str(name), part, jobs, as_of=now, start=first, end=last)
            for name, part in clients.groupby("specialist", sort=True)
        ]
    rows = []
    for period in _periods(by, now, first):
        start, end = period.start_time.normalize(), period.end_time.normalize()
        rows.append(_summary(str(period), clients, jobs, as_of=now, start=start, end=min(end, now)))
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
