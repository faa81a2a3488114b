"""The nightly digest's options for a client left with no suggestion include what would open more."""

from __future__ import annotations

from api.rematch.finish import _options
from matcher import Matcher
from tests.api.conftest import Api
from tests.matcher import worlds


def test_a_client_with_no_suggestion_is_told_what_would_open_more(api: Api) -> None:
    # the only opening pays $14 an hour; the client's floor is $15
    matcher = Matcher().fit([worlds.opening(id="O-LOW", hourly_wage=14.0)], as_of=worlds.AS_OF)
    client = worlds.client(id="C-NOWHERE", wage_floor=15.0)
    with api.session() as session:
        options = _options(session, matcher, [client], k=5)["C-NOWHERE"]
    assert options["exclusion_counts"] == {"WAGE_BELOW_FLOOR": 1}
    (change,) = options["changes"]
    assert change["code"] == "WAGE_BELOW_FLOOR" and change["n_opened"] == 1
    assert [b["opening_id"] for b in change["best"]] == ["O-LOW"]
    assert change["text"].startswith("With a wage floor of $14.00 an hour instead of $15.00")
