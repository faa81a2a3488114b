"""The engine's words for the specialist, said to the client: for the sheet printed for them.

The engine writes for the specialist ("Shifts fit the client's availability; the client wants
10 to 12", "stock clerks (O*NET 43-5081)"); the printed shortlist is read by the client, who is
"you" on it and has no use for occupation codes. Only the forms the engine's messages use are
turned (``matcher.messages``, ``matcher.options``); past tenses and modals ("the client chose",
"the client could") need only the subject changed.
"""

from __future__ import annotations

import re

#: Present-tense verbs after "the client" in the engine's messages, as they go after "you".
_VERBS = {
    "is": "are",
    "has": "have",
    "does": "do",
    "wants": "want",
    "needs": "need",
    "says": "say",
    "lacks": "lack",
    "avoids": "avoid",
    "discloses": "disclose",
    "chooses": "choose",
    "prefers": "prefer",
}

#: Whole phrases a word-for-word change would garble, said to the client as a whole.
_PHRASES = {"ask the client what work they want": "tell your specialist what work you want"}

_PATTERN = re.compile(r"\b([Tt])he client(?:'s\b|\s+(\w+)\b|\b)")
_CODE = re.compile(r" \(O\*NET \d{2}-\d{4}(?:\.\d{2})?\)")


def _turned(match: re.Match[str]) -> str:
    capital = match.group(1) == "T"
    text = match.group(0)
    if text.endswith("'s"):
        said = "your"
    else:
        verb = match.group(2)
        said = "you" if verb is None else f"you {_VERBS.get(verb, verb)}"
    return said[0].upper() + said[1:] if capital else said


def for_the_client(text: str) -> str:
    """``text`` said to the client: "the client's" -> "your", "the client wants" -> "you want", and
    no occupation codes ("stock clerks (O*NET 43-5081)" -> "stock clerks")."""
    for phrase, said in _PHRASES.items():
        text = text.replace(phrase, said)
    return _CODE.sub("", _PATTERN.sub(_turned, text))
