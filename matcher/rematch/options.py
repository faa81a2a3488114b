"""What would open more options for the clients a chunk left with no suggestion, inside the chunk.

The nightly digest tells, for every client the run left with no suggestion, the exclusion
counts, the nearest misses and the single changes that would open more options
(``matcher.options``). :func:`options_of` is that engine part; a run asked for it
(``RematchOptions(options=True)``, the service's runner always) calls it at the end of each
chunk for the chunk's clients left empty, in the worker that scored the chunk, so it runs
beside the other chunks; a run in one process calls it once after its chunks, for all of them
(``rescore.options_after``: fewer, fuller blocks, less CPU than chunk by chunk).

It scores those clients again: the chunk's own block holds only the openings within each
client's reach that passed the cheap limits, while the options need every opening within the
widest change (30 more minutes, a learnable mode) and the near misses within twice the reach,
with their failure bits. The answers are the same whichever chunk or order a client is
taken in (``matcher.options.shortlists_and_options``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from matcher.options import change_to_dict, shortlists_and_options
from matcher.serialize import near_miss_to_dict
from matcher.types import Client

if TYPE_CHECKING:
    from matcher.pipeline import Matcher

#: Nearest misses a digest gives for a client left with no suggestion.
NEAR_MISSES = 3
#: The most changes that would open more options a client left with no suggestion is told.
MAX_CHANGES = 5
#: Clients per block of their shortlists and changes, taken in map order: a compact block is
#: scored against the openings around it only (the same results as in one block). 48 measured
#: fastest at 10k (32: +5 %, 64: +75 %, its near misses then bounded first).
CHUNK_SIZE = 48


def options_of(
    matcher: Matcher,
    clients: Sequence[Client],
    *,
    blocked: Mapping[str, Collection[str]],
    k: int,
    chunk_size: int = CHUNK_SIZE,
) -> dict[str, dict[str, Any]]:
    """Per client id: exclusion counts, nearest misses and changes, as the digest stores them.

    Each block of ``chunk_size`` clients (in map order) is scored once against the openings
    around it; its shortlists (exclusion counts, near misses) and its changes both come from
    that block.
    """
    if not clients:
        return {}
    found = shortlists_and_options(
        matcher, clients, k=k, blocked=blocked, near_misses=NEAR_MISSES, chunk_size=chunk_size
    )
    return {
        s.client_id: {
            "exclusion_counts": dict(s.exclusion_counts),
            "near_misses": [near_miss_to_dict(m) for m in s.near_misses],
            "changes": [change_to_dict(ch) for ch in changes[:MAX_CHANGES]],
        }
        for s, changes in found
    }
