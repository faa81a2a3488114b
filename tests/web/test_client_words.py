"""The printed sheet says the engine's words to the client: "you", and no occupation codes."""

from __future__ import annotations

import pytest

from api.web.client_words import for_the_client


@pytest.mark.parametrize(
    ("engine", "printed"),
    [
        (
            "Shifts fit the client's availability; the client wants 10 to 12",
            "Shifts fit your availability; you want 10 to 12",
        ),
        ("The client excluded this industry (retail)", "You excluded this industry (retail)"),
        (
            "Bartender is an alcohol-serving job: the client avoids alcohol",
            "Bartender is an alcohol-serving job: you avoid alcohol",
        ),
        (
            "If the client were also available 13:00-17:00 on Thursday",
            "If you were also available 13:00-17:00 on Thursday",
        ),
        ("Disclosure is the client's own choice", "Disclosure is your own choice"),
        ("the client has a car; the client is near", "you have a car; you are near"),
        (
            "No preferences recorded: ask the client what work they want",
            "No preferences recorded: tell your specialist what work you want",
        ),
        ("A clientele of regulars", "A clientele of regulars"),  # a word, not "the client"
        (
            'Matches the interest "stocking": stock clerks (O*NET 43-5081)',
            'Matches the interest "stocking": stock clerks',
        ),
    ],
)
def test_the_engine_words_are_said_to_the_client(engine: str, printed: str) -> None:
    assert for_the_client(engine) == printed
