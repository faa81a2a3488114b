"""How many of a client's exclusions disclosing alone would open: a count over the pool.

A client who does not disclose counts only on accommodations offered to everyone; one who
does may ask for those on request and negotiate those the employer has not stated. The
count is a fact beside the client's own choice, never advice to disclose: the openings
failing the accommodation rule and nothing else, checked again by the same rule as for a
client who discloses.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from matcher.constraints.check import failed_codes_at
from matcher.constraints.rules import RULES, Failed
from matcher.features import ClientBatch, OpeningIndex

_RULE = next(r for r in RULES if r.code is Failed.REQUIRED_ACCOMMODATION_UNAVAILABLE)


def opened_by_disclosing(clients: ClientBatch, index: OpeningIndex, codes: np.ndarray, c: int) -> int:
    """Openings of ``index`` excluded for client row ``c`` that disclosing alone would open.

    ``codes`` is the batch's (C, J) failure mask against ``index`` (``failed_codes``). An
    opening left out of ``index`` because it is beyond reach fails the commute, which
    disclosing does not change, so a candidate index gives the count of the whole pool.
    Zero for a client who discloses already.
    """
    if clients.discloses[c]:
        return 0
    cols = np.flatnonzero(codes[c] == np.uint16(_RULE.code))
    if not len(cols):
        return 0
    disclosed = dataclasses.replace(clients, discloses=np.ones_like(clients.discloses))
    rows = np.full(len(cols), c, dtype=np.int64)
    still = failed_codes_at(disclosed, index, rows, cols, rules=(_RULE,))
    return int((still == 0).sum())
