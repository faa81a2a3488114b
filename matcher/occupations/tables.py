"""Turn O*NET release tables (DataFrames of strings) into profile arrays.

Each function takes the table as read by :func:`matcher.occupations.sources.read_table`
and the sorted occupation codes, and returns values aligned with those codes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from matcher.occupations.store import RIASEC, Technology

CODE = "O*NET-SOC Code"


def occupations(df: pd.DataFrame) -> tuple[list[str], list[str], list[str]]:
    """Sorted codes with their titles and descriptions (Occupation Data)."""
    df = df.sort_values(CODE, kind="stable").drop_duplicates(CODE)
    return df[CODE].tolist(), df["Title"].str.strip().tolist(), df["Description"].tolist()


def _numeric(df: pd.DataFrame, column: str = "Data Value") -> pd.Series:
    return pd.to_numeric(df[column], errors="coerce")


def rating_matrix(
    df: pd.DataFrame | None, codes: list[str], scale: str, names: list[str] | None = None
) -> tuple[list[str], np.ndarray]:
    """Pivot one scale (``IM``, ``LV``, ``OI``) to an (occupations, elements) array.

    Elements keep O*NET's content-model order (by Element ID) unless ``names``
    fixes it. A level marked "Not Relevant" reads as 0; absent ratings are NaN.
    """
    if df is None or df.empty:
        return list(names or []), np.full((len(codes), len(names or [])), np.nan)
    rows = df[df["Scale ID"] == scale].copy()
    rows["value"] = _numeric(rows)
    if "Not Relevant" in rows.columns:
        rows.loc[rows["Not Relevant"] == "Y", "value"] = 0.0
    if names is None:
        order = rows.drop_duplicates("Element ID").sort_values("Element ID", kind="stable")
        names = order["Element Name"].tolist()
    table = rows.pivot_table(index=CODE, columns="Element Name", values="value", aggfunc="mean")
    table = table.reindex(index=codes, columns=names)
    return names, table.to_numpy(dtype=np.float64)


def riasec(df: pd.DataFrame | None, codes: list[str]) -> np.ndarray:
    """(n, 6) occupational interest scores in R, I, A, S, E, C order."""
    return rating_matrix(df, codes, "OI", list(RIASEC))[1]


def job_zones(df: pd.DataFrame | None, codes: list[str]) -> np.ndarray:
    """(n,) Job Zone 1-5, NaN where not assigned."""
    if df is None:
        return np.full(len(codes), np.nan)
    zones = pd.Series(_numeric(df, "Job Zone").to_numpy(), index=df[CODE])
    zones = zones[~zones.index.duplicated()]
    return np.asarray(zones.reindex(codes).to_numpy(dtype=np.float64))


def technology(df: pd.DataFrame | None, codes: list[str]) -> list[list[Technology]]:
    """Technology examples per occupation: Hot Technology first, then In Demand, then by name."""
    out: list[list[Technology]] = [[] for _ in codes]
    if df is None:
        return out
    row = {c: i for i, c in enumerate(codes)}
    df = df.assign(hot=df["Hot Technology"] == "Y", demand=df.get("In Demand", "") == "Y")
    df = df.sort_values(
        [CODE, "hot", "demand", "Example"], ascending=[True, False, False, True], kind="stable"
    )
    columns = [CODE, "Example", "Commodity Title", "hot", "demand"]
    for code, example, commodity, hot, demand in df[columns].itertuples(index=False):
        if code in row:
            out[row[code]].append(Technology(example.strip(), commodity.strip(), bool(hot), bool(demand)))
    return out


def tasks(df: pd.DataFrame | None, codes: list[str]) -> list[list[str]]:
    """Task statements per occupation: core tasks first, then the others, each by Task ID."""
    out: list[list[str]] = [[] for _ in codes]
    if df is None:
        return out
    df = df.assign(core=df["Task Type"] != "Core", id=pd.to_numeric(df["Task ID"], errors="coerce"))
    df = df.sort_values([CODE, "core", "id"], kind="stable").drop_duplicates([CODE, "Task ID"])
    row = {c: i for i, c in enumerate(codes)}
    for code, text in df[[CODE, "Task"]].itertuples(index=False):
        if code in row and text.strip():
            out[row[code]].append(text.strip())
    return out


def core_activities(
    tasks_to_dwas: pd.DataFrame | None, tasks: pd.DataFrame | None, codes: list[str]
) -> list[list[tuple[str, int]]]:
    """(DWA id, core tasks linking it) for DWAs linked to a core task, most linked first.

    O*NET calls a task core when at least 67% of incumbents perform it and
    rate it important (3 of 5 or more): what most people in the job do.
    """
    out: list[list[tuple[str, int]]] = [[] for _ in codes]
    if tasks_to_dwas is None or tasks is None:
        return out
    core = tasks.loc[tasks["Task Type"] == "Core", [CODE, "Task ID"]].drop_duplicates()
    links = tasks_to_dwas[[CODE, "Task ID", "DWA ID"]].drop_duplicates().merge(core, on=[CODE, "Task ID"])
    counts = links.groupby([CODE, "DWA ID"], as_index=False).size()
    counts = counts.sort_values([CODE, "size", "DWA ID"], ascending=[True, False, True])
    row = {c: i for i, c in enumerate(codes)}
    for code, dwa, size in counts[[CODE, "DWA ID", "size"]].itertuples(index=False):
        if code in row:
            out[row[code]].append((dwa, int(size)))
    return out


def activities(
    tasks_to_dwas: pd.DataFrame | None, tasks: pd.DataFrame | None, codes: list[str]
) -> list[list[str]]:
    """DWA ids per occupation, weighted by the tasks linking them (core 1, supplemental 0.5)."""
    out: list[list[str]] = [[] for _ in codes]
    if tasks_to_dwas is None:
        return out
    links = tasks_to_dwas[[CODE, "Task ID", "DWA ID"]].drop_duplicates()
    if tasks is not None:
        kinds = tasks[[CODE, "Task ID", "Task Type"]].drop_duplicates([CODE, "Task ID"])
        links = links.merge(kinds, on=[CODE, "Task ID"], how="left")
        links["w"] = np.where(links["Task Type"] == "Supplemental", 0.5, 1.0)
    else:
        links["w"] = 1.0
    weights = links.groupby([CODE, "DWA ID"], as_index=False)["w"].sum()
    weights = weights.sort_values([CODE, "w", "DWA ID"], ascending=[True, False, True])
    row = {c: i for i, c in enumerate(codes)}
    for code, dwa in weights[[CODE, "DWA ID"]].itertuples(index=False):
        if code in row:
            out[row[code]].append(dwa)
    return out


def education(df: pd.DataFrame | None, categories: pd.DataFrame | None, codes: list[str]) -> list[str]:
    """Most often required level of education (category with the largest share), or ''."""
    if df is None:
        return ["" for _ in codes]
    rl = df[df["Scale ID"] == "RL"].assign(value=lambda d: _numeric(d))
    rl = rl.sort_values([CODE, "value"], ascending=[True, False], kind="stable")
    modal = rl.drop_duplicates(CODE).set_index(CODE)["Category"]
    labels: dict[str, str] = {}
    if categories is not None:
        cat = categories[categories["Scale ID"] == "RL"]
        labels = dict(zip(cat["Category"], cat["Category Description"], strict=True))
    return [labels.get(modal.get(c, ""), "") for c in codes]


def titles(
    codes: list[str],
    names: list[str],
    reported: pd.DataFrame | None,
    alternate: pd.DataFrame | None,
    synonyms: Sequence[tuple[str, str]] = (),
) -> list[tuple[str, int, int]]:
    """(title text, occupation row, source index) for every known title, deduplicated.

    ``synonyms`` are curated (title, code) pairs (source 4, "synonym").
    """
    row = {c: i for i, c in enumerate(codes)}
    out: dict[tuple[str, int], int] = {}
    for text, code in synonyms:
        if code in row:
            out.setdefault((text.strip(), row[code]), 4)
    for i, name in enumerate(names):
        out.setdefault((name, i), 0)
    for source, df, column in ((1, reported, "Reported Job Title"), (2, alternate, "Alternate Title")):
        if df is None:
            continue
        for code, text in df[[CODE, column]].itertuples(index=False):
            if code in row and text.strip():
                out.setdefault((text.strip(), row[code]), source)
        if source == 2 and "Short Title" in df.columns:
            short = df[(df["Short Title"] != "n/a") & (df["Short Title"] != "")]
            for code, text in short[[CODE, "Short Title"]].itertuples(index=False):
                if code in row:
                    out.setdefault((text.strip(), row[code]), source)
    return [(text, i, source) for (text, i), source in out.items()]


def dwa_reference(
    dwa: pd.DataFrame | None, iwa: pd.DataFrame | None
) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """DWA id -> title, DWA id -> IWA id, IWA id -> title."""
    if dwa is None:
        return {}, {}, {}
    dwa_titles = dict(zip(dwa["DWA ID"], dwa["DWA Title"].str.strip(), strict=True))
    dwa_iwa = dict(zip(dwa["DWA ID"], dwa["IWA ID"], strict=True))
    iwa_titles = {} if iwa is None else dict(zip(iwa["IWA ID"], iwa["IWA Title"], strict=True))
    return dwa_titles, dwa_iwa, iwa_titles
