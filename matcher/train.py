"""Train the text model: ``python -m matcher.train [--corpus postings.csv] [--out models/]``.

The TF-IDF model is fitted once on a fixed corpus (the seeded demo openings and
the vocabularies, plus an optional CSV of real postings) and saved as an
artifact, so that a pair's text similarity never depends on which other
openings happen to be indexed.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from matcher import artifacts
from matcher.features import fit_text_model
from matcher.vocab import load_vocabulary

_log = logging.getLogger(__name__)


def corpus(csv_path: Path | None = None, *, seed: int = 7, n_openings: int = 5000) -> list[str]:
    """Texts to fit on: demo openings, vocabulary phrases, and optional real postings."""
    from matcher import demo
    from matcher.features import opening_text
    from matcher.records import load_openings

    _, raw = demo.generate(seed, n_clients=0, n_openings=n_openings)
    openings, _ = load_openings(raw)
    texts = [opening_text(o) for o in openings]
    vocab = load_vocabulary()
    for index in (vocab.work_areas, vocab.industries, vocab.skills):
        texts.extend(index.phrases)
    if csv_path is not None:
        frame = pd.read_csv(csv_path, usecols=lambda c: c in {"title", "description"})
        texts.extend(frame.fillna("").astype(str).agg(" ".join, axis=1).tolist())
    return texts


def train(out: Path, *, csv_path: Path | None = None) -> Path:
    """Fit and save the text model; returns the artifact path."""
    texts = corpus(csv_path)
    model = fit_text_model(texts)
    source = "demo openings (seed 7) + vocabularies" + (f" + {csv_path.name}" if csv_path else "")
    return artifacts.save(
        model,
        artifacts.TEXT_MODEL,
        models_dir=out,
        corpus=source,
        n_documents=len(texts),
        n_features=len(model.vocabulary_),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(prog="python -m matcher.train", description=__doc__)
    parser.add_argument("--corpus", type=Path, help="CSV of postings with title/description columns")
    parser.add_argument(
        "--out", type=Path, default=artifacts.MODELS_DIR, help="folder to write to (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    path = train(args.out, csv_path=args.corpus)
    _log.info("wrote %s", path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
