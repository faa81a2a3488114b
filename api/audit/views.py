"""What non-owners (auditors, admins, exports) see of a recommendation: minimum necessary.

A client's home must not be derivable from what an auditor reads. Per-opening
commute minutes next to opening coordinates (or next to an employer's public
address) locate it by multilateration, and so do the exact commute factor,
the commute points and the total score (``score - other points`` gives the
commute points, which are linear in the minutes). So in these views:

* commute is a band relative to the client's own limit: "no commute",
  "up to half the client's limit", "within the client's limit" or "over the
  client's limit" (the reason codes COMMUTE_SHORT / COMMUTE_LONG already say as much);
* the commute factor, the commute points and the total score are left out
  (the other factors' points, the ranks, codes and texts stay);
* opening snapshots lose their coordinates.

Verification and reconstruction still use the full stored data on the server
(:mod:`api.audit.verify`, :mod:`api.reconstruct`); their results are yes/no and
differences by field, shown through this view too.
"""

from __future__ import annotations

import re
from typing import Any

NO_COMMUTE = "no commute"
HALF_LIMIT = "up to half the client's limit"
WITHIN_LIMIT = "within the client's limit"
OVER_LIMIT = "over the client's limit"
HIDDEN = "shown as a band to non-owners"

_BAND_OF_CODE = {
    "REMOTE": NO_COMMUTE,
    "COMMUTE_SHORT": HALF_LIMIT,
    "COMMUTE_LONG": WITHIN_LIMIT,
    "COMMUTE_TOO_LONG": OVER_LIMIT,
}
# Any number of minutes in a text: "12 minutes", "about 47 minutes", "a 50-minute limit", "under a minute".
_MINUTES = re.compile(r"\b\d+(?:\.\d+)?[ -]minutes?\b|\bunder a minute\b", re.IGNORECASE)
_MINUTE_KEYS = ("minutes", "commute_minutes", "travel_minutes", "longer_limit")
_LOCATION_KEYS = ("location", "lat", "lon", "latitude", "longitude", "coordinates", "address", "zip")


def _text(value: Any) -> Any:
    return _MINUTES.sub("some minutes", value) if isinstance(value, str) else value


def _reason(reason: Any) -> Any:
    """A reason (or exclusion item) with commute as a band and no minute figure anywhere."""
    if not isinstance(reason, dict):
        return reason
    out = dict(reason)
    band = _BAND_OF_CODE.get(str(out.get("code", "")))
    if band is not None or out.get("factor") == "commute":
        band = band or WITHIN_LIMIT
        out["commute"] = band
        if "text" in out:
            out["text"] = f"Commute {band}"
        if "why" in out:
            out["why"] = f"Commute {band}"
        if "evidence" in out:
            out["evidence"] = {"commute": band}
        if "feasible_if" in out:
            out["feasible_if"] = "feasible with a longer commute limit or another mode"
    for key in ("text", "why", "feasible_if"):
        if key in out:
            out[key] = _text(out[key])
    if isinstance(out.get("evidence"), dict):
        out["evidence"] = {k: (HIDDEN if k in _MINUTE_KEYS else _text(v)) for k, v in out["evidence"].items()}
    return out


def _suggestion(item: Any) -> Any:
    if not isinstance(item, dict):
        return item
    out = {k: v for k, v in item.items() if k != "score"}
    for key in ("contributions", "factors"):
        if isinstance(out.get(key), dict):
            out[key] = {f: v for f, v in out[key].items() if f != "commute"}
    for key in ("positives", "concerns", "hints", "reasons"):
        if isinstance(out.get(key), list):
            out[key] = [_reason(r) for r in out[key]]
    commute = [r.get("commute") for r in out.get("positives", []) + out.get("concerns", [])]
    commute += [_BAND_OF_CODE.get(str(code)) for code in out.get("codes", [])]  # a record's codes
    out["commute"] = next((c for c in commute if c), WITHIN_LIMIT)
    return out


def _exclusions(value: Any) -> Any:
    """Either the summary of a new record or the grouped why-nots of an older one."""
    if not isinstance(value, dict):
        return value
    if "nearest_misses" in value:
        misses = [_reason({k: v for k, v in m.items() if k != "score"}) for m in value["nearest_misses"]]
        return {**value, "nearest_misses": misses}
    return {code: [_reason({"code": code, **i}) for i in items] for code, items in value.items()}


def shortlist_view(shortlist: dict[str, Any]) -> dict[str, Any]:
    """A stored shortlist as non-owners see it (see the module docstring)."""
    out = dict(shortlist)
    if isinstance(out.get("suggestions"), list):
        out["suggestions"] = [_suggestion(s) for s in out["suggestions"]]
    if "exclusions" in out:
        out["exclusions"] = _exclusions(out["exclusions"])
    if isinstance(out.get("near_misses"), list):
        out["near_misses"] = [_reason(m) for m in out["near_misses"]]
    return out


def opening_view(snapshot: dict[str, Any]) -> dict[str, Any]:
    """An opening snapshot without its coordinates or address."""
    return {k: v for k, v in snapshot.items() if k not in _LOCATION_KEYS}
