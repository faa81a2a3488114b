"""The one assembly of the engine: occupation-store enrichment, its memo, the text model, one builder."""

from __future__ import annotations

import ast
import dataclasses
import logging
from pathlib import Path

import pytest

from matcher import assembly
from matcher.assembly import OpeningEnricher, build_matcher, trained_text_model
from matcher.errors import ArtifactError
from matcher.occupations import OccupationStore, enrich_openings, import_onet
from matcher.types import Opening
from tests.matcher import worlds
from tests.matcher.occupations import synthetic

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> OccupationStore:
    """The synthetic O*NET release of the occupation tests, imported."""
    release = synthetic.write_release(tmp_path_factory.mktemp("onet") / "release")
    path = tmp_path_factory.mktemp("store") / "occupations"
    import_onet([release], path)
    return OccupationStore.load(path)


def bare(id: str, title: str) -> Opening:  # noqa: A002 - the record's field name
    """An opening with no liaison demands or skills: the store fills them in."""
    return worlds.opening(id=id, title=title, demands={}, required_skills=[])


def test_openings_are_enriched_from_the_store_before_indexing(store: OccupationStore) -> None:
    openings = [bare("O-1", "Dishwasher"), bare("O-2", "Cashier")]
    plain = build_matcher(openings, as_of=worlds.AS_OF)
    enriched = build_matcher(openings, as_of=worlds.AS_OF, occupations=store)
    assert list(enriched.index.openings) == enrich_openings(openings, store)
    assert all(o.inferred_demands for o in enriched.index.openings)
    assert list(plain.index.openings) == openings and not any(o.inferred_demands for o in openings)


def test_the_enricher_enriches_each_opening_once_until_it_changes(
    store: OccupationStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []

    def counting(openings: list[Opening], store: OccupationStore) -> list[Opening]:
        seen.extend(o.id for o in openings)
        return enrich_openings(openings, store)

    monkeypatch.setattr(assembly, "enrich_openings", counting)
    enricher = OpeningEnricher(store)
    first = [bare("O-1", "Dishwasher"), bare("O-2", "Cashier")]
    assert enricher(first) == enrich_openings(first, store) and seen == ["O-1", "O-2"]
    assert enricher(first) == enrich_openings(first, store) and seen == ["O-1", "O-2"]
    edited = [first[0], dataclasses.replace(first[1], title="Dishwasher")]
    assert enricher(edited) == enrich_openings(edited, store)
    assert seen == ["O-1", "O-2", "O-2"]  # only the edited opening again
    build_matcher(edited, as_of=worlds.AS_OF, occupations=enricher)  # refits share the memo
    assert seen == ["O-1", "O-2", "O-2"]


def test_without_the_trained_model_the_text_model_is_fitted_and_a_warning_says_so(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def missing(name: str) -> object:
        raise ArtifactError(f"no artifact {name}")

    monkeypatch.setattr(assembly.artifacts, "load", missing)
    with caplog.at_level(logging.WARNING, logger="matcher.assembly"):
        assert trained_text_model() == (None, None)
    assert "no artifact text_model" in caplog.text and "fitted on each pool" in caplog.text
    matcher = build_matcher([worlds.opening()], as_of=worlds.AS_OF, text_model=None)
    assert matcher.text_model is not None  # fitted on the openings


def test_only_the_assembly_builds_a_matcher() -> None:
    """The service, the commands, the nightly run and the benchmarks all go through build_matcher."""
    builders = []
    for path in sorted([*ROOT.glob("matcher/**/*.py"), *ROOT.glob("api/**/*.py"), *ROOT.glob("bench/*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            func = node.func if isinstance(node, ast.Call) else None
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name == "Matcher":
                builders.append(str(path.relative_to(ROOT)))
    assert builders == ["matcher/assembly.py"]
