"""Lists of vocabulary in the user docs stay the vocabulary's: a newcomer edits data/, not prose."""

from __future__ import annotations

import re
from pathlib import Path

from matcher import MatcherConfig
from matcher.features.terms import industry_code
from matcher.vocab import load_vocabulary

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_the_industries_a_specialist_may_avoid_are_every_industry_of_the_service() -> None:
    """The client-form guide names each industry once, in words the engine resolves to it."""
    text = " ".join((DOCS / "workspace" / "specialist-clients.md").read_text().split())
    listed = re.search(r"one of the service's industries \(([^)]*), in everyday words\)", text)
    assert listed, "the guide lists the industries to avoid"
    names = [n.strip().removeprefix("and ") for n in listed.group(1).split(",")]
    vocab = load_vocabulary()
    codes = [industry_code(name, vocab, MatcherConfig()) for name in names]
    assert -1 not in codes, [n for n, c in zip(names, codes, strict=True) if c == -1]
    assert sorted(codes) == list(range(len(vocab.industries.codes))), names
