"""Texts computed once per shortlist (shared per client, cached matches) say what each pair alone says."""

from __future__ import annotations

import pickle

from matcher import Matcher
from matcher.explain import Pair, pair_details, suggestion_reasons
from matcher.types import Client, Suggestion
from matcher.vocab import load_vocabulary
from tests.matcher import worlds
from tests.matcher.worlds import random_world


def _world() -> tuple[Matcher, list[Client]]:
    # the clients differ in strengths, past work and benefits: nothing one says may leak into another's
    clients = [
        worlds.client(id="C-1", strengths=["dishwashing"], past_titles=["dishwasher"]),
        worlds.client(id="C-2", strengths=[], past_titles=[], receives_ssdi=True, receives_ssi=True),
        worlds.client(id="C-3", strengths=["customer service"], capacity=dict.fromkeys(worlds.DIMENSIONS, 1)),
    ]
    world = random_world(7, n_clients=4, n_openings=30, unstated=0.3)
    clients += world.clients
    return Matcher().fit(world.openings, as_of=worlds.AS_OF), clients


def test_a_batch_explains_each_suggestion_as_the_pair_alone() -> None:
    engine, clients = _world()
    codes: set[str] = set()
    for shortlist, client in zip(engine.recommend(clients, k=5), clients, strict=True):
        for s in shortlist.suggestions:
            alone = engine.explain(client, s.opening_id)
            assert isinstance(alone, Suggestion)
            assert alone.reasons == s.reasons
            codes |= {r.code for r in s.reasons}
    # the texts read from what the pairs share: strengths, past work, offsets of gaps, benefits figures
    assert {"STRENGTHS_MATCH", "PAST_EXPERIENCE", "SUPPORT_HINT", "BENEFITS_SSI_REDUCTION"} <= codes


def test_pairs_of_several_clients_in_one_pass_keep_each_clients_texts() -> None:
    engine, clients = _world()
    for shortlists, block in engine.recommend_blocks(clients, k=5):
        index, batch = block.index, block.scored.clients
        column = {o: j for j, o in enumerate(index.ids)}
        shown = [(c, s) for c, sl in enumerate(shortlists) for s in sl.suggestions]
        shown.sort(key=lambda cs: cs[1].rank)  # the clients' pairs interleaved
        cs, js = [c for c, _ in shown], [column[s.opening_id] for _, s in shown]
        details = pair_details(batch, index, engine.config, cs, js)
        for (c, s), j, d in zip(shown, js, details, strict=True):
            pair = Pair(c, j, batch, index, block.scored.commute, engine.vocab, engine.config, d)
            assert suggestion_reasons(pair) == list(s.reasons)
        assert len(set(cs)) > 1


def test_a_resolved_phrase_is_cut_off_by_each_call() -> None:
    skills = load_vocabulary().skills
    first = skills.resolve(["dishwashing", "dishwashing"], score_cutoff=0)
    assert [m.phrase for m in first] == ["dishwashing", "dishwashing"]
    assert skills.resolve(["dishwashing"], score_cutoff=0) == first[:1]
    assert skills.resolve(["dishwashing"], score_cutoff=first[0].score + 1) == []


def test_an_index_pickled_before_the_match_cache_still_resolves() -> None:
    skills = pickle.loads(pickle.dumps(load_vocabulary().skills))
    expected = skills.resolve(["cash handling"], score_cutoff=80)
    del skills.__dict__["_matches"]  # as unpickled from an engine saved before the cache
    assert skills.resolve(["cash handling"], score_cutoff=80) == expected
