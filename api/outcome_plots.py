"""The outcome reports' charts as SVG text, drawn with matplotlib's Agg backend (no display, no CDN).

matplotlib is imported on the first chart only: pages that show no chart do not pay for it.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np

BLUE, GREY = "#1d4f91", "#9aa5b1"


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _svg(fig: Any) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    _pyplot().close(fig)
    return buffer.getvalue()


def over_time(rows: list[dict[str, Any]], *, title: str) -> str:
    """Jobs started per period (bars) and the share employed in competitive integrated jobs (line)."""
    plt = _pyplot()
    fig, jobs_axis = plt.subplots(figsize=(7.5, 3.2))
    labels = [str(r["group"]) for r in rows]
    x = np.arange(len(rows))
    jobs_axis.bar(x, [r["jobs_started"] for r in rows], color=GREY, label="Jobs started")
    jobs_axis.set_ylabel("Jobs started")
    jobs_axis.set_xticks(x, labels, rotation=45, ha="right", fontsize=8)
    share_axis = jobs_axis.twinx()
    shares = [100 * r["cie_share"] if r["cie_share"] is not None else np.nan for r in rows]
    share_axis.plot(x, shares, color=BLUE, marker="o", label="Employed (competitive integrated), %")
    share_axis.set_ylim(0, 100)
    share_axis.set_ylabel("Employed, % of clients served")
    jobs_axis.set_title(title, fontsize=10, pad=24)
    fig.legend(loc="upper center", bbox_to_anchor=(0.5, 0.9), ncols=2, fontsize=8, frameon=False)
    return _svg(fig)


def tenure_curve(times: np.ndarray, surviving: np.ndarray, *, title: str) -> str:
    """The Kaplan-Meier curve: the share of jobs still going after each number of days."""
    plt = _pyplot()
    fig, axis = plt.subplots(figsize=(7.5, 3.2))
    if len(times):
        axis.step(times, 100 * surviving, where="post", color=BLUE)
        axis.axhline(50, color=GREY, linestyle="--", linewidth=1)
    else:
        axis.text(0.5, 0.5, "No jobs recorded yet", ha="center", va="center", transform=axis.transAxes)
    axis.set_ylim(0, 100)
    axis.set_xlabel("Days since the job started")
    axis.set_ylabel("Jobs still going, %")
    axis.set_title(title, fontsize=10)
    return _svg(fig)
