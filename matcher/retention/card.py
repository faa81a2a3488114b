"""The retention model's card (``models/retention_model.md``), written from its report."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from matcher.config import FACTORS
from matcher.retention.evaluate import LOST_RECALL, NDCG, RECALL

INTENDED_USE = (
    "Program admins review how well the engine's factors predicted who kept a job 90 days, and "
    "may promote the proposed factor weights as a new program configuration version. The model "
    "never scores, ranks or screens a client, and nothing changes until an admin promotes."
)
LIMITS = (
    "- It learns from placements only: it cannot see jobs people did not get, so it says how "
    "factors relate to *keeping* a job, not to getting one (skills matter for getting hired).",
    "- Associations, not causes: a factor that travels with a cause (e.g. preferred jobs that are "
    "also closer to home) takes some of its credit.",
    "- 90-day retention only; longer tenure, wages and the client's own satisfaction are not in it.",
    "- Placements still going and followed under 90 days are left out (not yet known), so the "
    "latest months count less; a program whose jobs changed since the data window may differ.",
    "- Factor values are recomputed with today's engine and records, which may differ from what "
    "the engine saw when the job was suggested.",
)


def _num(value: Any, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _interval(metric: Mapping[str, Any] | None, digits: int = 3) -> str:
    if not metric:
        return "—"
    return (
        f"{_num(metric['value'], digits)} ({_num(metric['low'], digits)} to {_num(metric['high'], digits)})"
    )


def _weights_table(report: Mapping[str, Any]) -> list[str]:
    coefficients = report.get("coefficients") or {}
    current = report["weights_at_training"]
    proposed = report.get("proposed_weights") or {}
    lines = [
        "| factor | coefficient (95 % interval) | weight in force | proposed |",
        "|---|---|---|---|",
    ]
    for f in FACTORS:
        c = coefficients.get(f)
        coef = f"{c['coef']:+.3f} ({c['low']:+.3f} to {c['high']:+.3f})" if c else "—"
        lines.append(f"| {f} | {coef} | {current[f]:.4f} | {_num(proposed.get(f), 4)} |")
    return lines


def _evaluation(evaluation: Mapping[str, Any] | None) -> list[str]:
    if not evaluation:
        return ["No evaluation (not enough outcomes)."]
    lines = [
        f"Trained on placements that started before {evaluation['cutoff']} "
        f"({evaluation['train']['known']} known outcomes), tested on those from then on "
        f"({evaluation['test']['known']} known outcomes, window "
        f"{' to '.join(evaluation['test_window'])}).",
        "",
    ]
    if "message" in evaluation:
        return [*lines, evaluation["message"]]
    cal = evaluation["calibration"]
    lines += [
        f"- Brier score: {_interval(cal['brier'])} (predicting the earlier base rate: "
        f"{_num(cal['brier_base_rate'])})",
        f"- AUC: {_interval(cal['auc'])}",
        f"- Later outcomes: {_num(cal['observed_rate'])} still employed at day 90; mean predicted "
        f"{_num(cal['mean_predicted'])}",
        "",
        "Reliability (later placements):",
        "",
        "| predicted | count | mean predicted | observed |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {b['low']:.1f}–{b['high']:.1f} | {b['count']} | {b['predicted']:.3f} | {b['observed']:.3f} |"
        for b in cal["bins"]
    ]
    ranking = evaluation.get("ranking")
    if ranking:
        lines += [
            "",
            "Later hires in the top 10 of their pool under the weights in force and the weights proposed "
            "from the earlier placements (kept: still employed at day 90; lost: ended before):",
            "",
            "| metric | weights in force | proposed | difference |",
            "|---|---|---|---|",
        ]
        for name in (RECALL, NDCG, LOST_RECALL):
            cells = [_interval(ranking[name][k]) for k in ("current", "proposed", "difference")]
            lines.append(f"| {name} | {' | '.join(cells)} |")
    warnings = evaluation.get("warnings") or []
    lines += ["", *(f"- **Against promoting:** {w}." for w in warnings)] if warnings else []
    return lines


def render_card(report: Mapping[str, Any], *, version: str, promoted: Mapping[str, Any] | None) -> str:
    """The card as Markdown: data window, counts, metrics with intervals, limits, use, promotion."""
    counts = report["counts"]
    window = " to ".join(report["data_window"]) or "no placements"
    if promoted:
        promotion = (
            f"Promoted by {promoted['by']} on {promoted['at']} as program configuration "
            f"version {promoted['config_version']}."
        )
    else:
        promotion = "Not promoted: the weights in force are unchanged by this model."
    lines = [
        "# Retention model card",
        "",
        f"- Model version: `{version}` (trained by {report.get('trained_by', 'unknown')}, outcomes as of "
        f"{report['as_of']})",
        f"- Label: {report['label']}",
        "- Model: logistic regression on the engine's seven factor values (0–1 each), "
        f"bootstrap intervals ({report['n_bootstrap']} resamples)",
        f"- Data window (start dates): {window}",
        f"- Placements: {counts['placements']}; known 90-day outcomes {counts['known']} "
        f"({counts['retained']} still employed, {counts['not_retained']} not); "
        f"not yet known {counts['censored']}; ongoing {counts['ongoing']}",
        f"- Status: {report.get('message') or 'weights proposed'}",
        f"- Promotion: {promotion}",
        "",
        "## Coefficients and proposed weights",
        "",
        *_weights_table(report),
        "",
        f"Proposed = {1 - report['blend']:.1f} × weight in force + {report['blend']:.1f} × the "
        "positive coefficients whose interval is above 0, scaled to the same sum (docs/outcomes.md).",
        "",
        "## Time-split evaluation",
        "",
        *_evaluation(report.get("evaluation")),
        "",
        "## Intended use",
        "",
        INTENDED_USE,
        "",
        "## Limits",
        "",
        *LIMITS,
        "",
        f"Minimum data rule: at least {report['min_outcomes']} known outcomes with "
        f"{report['min_per_class']} of each kind, or nothing is proposed.",
        "",
    ]
    return "\n".join(lines)
