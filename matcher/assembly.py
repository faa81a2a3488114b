"""The one assembly of the engine: configuration, vocabularies, text model, occupations -> a fitted Matcher.

Every entry point builds its engine with :func:`build_matcher`: the service
(``api.matching``), the ``matcher`` command, the nightly re-match
(``matcher.rematch.rescore.fit_matcher``) and the benchmarks. With an imported
O*NET store, openings are enriched from it before indexing (unrated demands,
missing skills and RIASEC are inferred and marked as such); clients are
enriched by the caller, who knows which inferred strengths a specialist removed.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Sequence

from sklearn.feature_extraction.text import TfidfVectorizer

from matcher import artifacts
from matcher.commute import TravelTimes
from matcher.config import MatcherConfig
from matcher.errors import ArtifactError
from matcher.occupations import OccupationStore, enrich_openings
from matcher.pipeline import Matcher
from matcher.types import Opening
from matcher.vocab import Vocabulary

_log = logging.getLogger(__name__)


class OpeningEnricher:
    """Openings enriched from an occupation store, each remembered until the opening changes.

    Resolving a title costs ~10 ms an opening, so an engine refitted after one
    opening changed re-enriches only that one. Safe to share between threads.

    Parameters
    ----------
    store : OccupationStore
        An imported O*NET store (``matcher occupations import``).
    """

    def __init__(self, store: OccupationStore) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._memo: dict[str, tuple[Opening, Opening]] = {}  # opening id -> (as given, enriched)

    def __call__(self, openings: Sequence[Opening]) -> list[Opening]:
        """The openings, enriched (see ``matcher.occupations.enrich_openings``), in input order."""
        with self._lock:
            todo = [o for o in openings if (hit := self._memo.get(o.id)) is None or hit[0] != o]
            for given, enriched in zip(todo, enrich_openings(todo, self.store), strict=True):
                self._memo[given.id] = (given, enriched)
            return [self._memo[o.id][1] for o in openings]


def build_matcher(
    openings: Sequence[Opening],
    *,
    as_of: dt.date,
    config: MatcherConfig | None = None,
    vocabulary: Vocabulary | None = None,
    text_model: TfidfVectorizer | None = None,
    occupations: OccupationStore | OpeningEnricher | None = None,
    travel_times: TravelTimes | None = None,
) -> Matcher:
    """A Matcher fitted on ``openings``.

    Parameters
    ----------
    openings : sequence of Opening
        The pool to index (ids must be unique).
    as_of : date
        Openings that expired before it are excluded.
    config : MatcherConfig, optional
        Program configuration (default ``MatcherConfig()``).
    vocabulary : Vocabulary, optional
        Defaults to the packaged vocabularies (``load_vocabulary()``).
    text_model : TfidfVectorizer, optional
        The trained text model (:func:`trained_text_model`); fitted on the openings if absent.
    occupations : OccupationStore or OpeningEnricher, optional
        Enrich the openings from this store before indexing. Pass the same
        :class:`OpeningEnricher` to every fit to enrich each opening once.
    travel_times : TravelTimes, optional
        Router minutes the matcher uses in every call (e.g. GTFS transit, ``matcher.transit``).

    Returns
    -------
    Matcher
        Fitted; ``matcher.index.openings`` are the openings as the engine saw them.
    """
    if isinstance(occupations, OccupationStore):
        occupations = OpeningEnricher(occupations)
    pool = occupations(openings) if occupations is not None else list(openings)
    store = occupations.store if occupations is not None else None  # interests resolve through it too
    matcher = Matcher(
        config, vocab=vocabulary, text_model=text_model, travel_times=travel_times, occupations=store
    )
    return matcher.fit(pool, as_of=as_of)


def trained_text_model() -> tuple[TfidfVectorizer | None, str | None]:
    """The trained text model and a short id of it (its sha256 prefix), or ``(None, None)``.

    Without the artifact (or with one built by another scikit-learn), the engine
    still works, but text similarity then depends on which openings are indexed:
    that is logged as a warning.
    """
    try:
        model, meta = artifacts.load(artifacts.TEXT_MODEL)
    except ArtifactError as exc:
        _log.warning("%s; the text model is fitted on each pool of openings instead", exc)
        return None, None
    return model, str(meta.get("sha256", ""))[:16] or None
