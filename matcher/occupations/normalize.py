"""Normalise job titles: strip pay, schedule and seniority noise; fold plurals.

Both sides of title resolution (the O*NET title table and the free-text
query) go through :func:`normalize_title`, so "Dishwashers", "Dish Washer",
"Dishwasher PT nights" and "Sr. Dishwasher - $18/hr" compare on their words.
"""

from __future__ import annotations

import re

from matcher.vocab import stem

_PAY = re.compile(
    r"(up to\s*)?\$\s*\d[\d,.]*\s*k?\s*(\+|-\s*\$?\s*\d[\d,.]*\s*k?)?"
    r"(\s*(/|per|an|a)\s*(hr|hour|h|yr|year|annum|week|wk|month|mo)\b)?"
)
_PHRASES = re.compile(
    r"\b((part|full)[\s-]?time|per[\s-]diem|sign[\s-]on( bonus)?|work from home|entry[\s-]level"
    r"|new grad(uate)?|night shift|day shift|evening shift|(1st|2nd|3rd|first|second|third) shift"
    r"|no experience( needed| required)?|immediate(ly)? (start|hire)|now hiring|apply now)\b"
)
_HEAD_OF = re.compile(r"^(head|director|vp|vice president|manager|chief) of (.+)$")
_SPLIT = re.compile(r"\s[-–—]\s|[/|,;:()\[\]]|\s(?:at|with|for)\s")
_WORD = re.compile(r"[a-z0-9]+")
_DIGIT = re.compile(r"\d")

# Words that say when, how or how much, never what the job is.
NOISE = frozenset(
    "pt ft prn nights overnight overnights evenings weekends weekend seasonal temporary temp "
    "w2 c2c remote hybrid onsite immediate immediately urgent urgently "
    "hiring needed wanted job jobs position positions opening opportunity role bonus hourly "
    "weekly daily pay paid intern internship trainee apprentice experienced level i ii iii iv v "
    "multiple various local".split()
)
# Seniority words dropped at the start of a title ("Senior Accountant" is an accountant).
SENIORITY = frozenset("senior sr junior jr lead staff principal associate".split())
# Role words that name no occupation on their own ("Manager, Renewal Quoting").
GENERIC_ROLES = frozenset(
    "manager director assistant specialist coordinator associate analyst engineer technician "
    "consultant supervisor representative officer administrator executive worker operator clerk "
    "lead head partner member agent professional expert generalist".split()
)
ABBREVIATIONS = {
    "mgr": "manager",
    "asst": "assistant",
    "admin": "administrative",
    "tech": "technician",
    "techs": "technician",
    "rep": "representative",
    "reps": "representative",
    "svc": "service",
    "cust": "customer",
    "acct": "account",
    "coord": "coordinator",
    "dev": "developer",
    "eng": "engineer",
    "engr": "engineer",
    "ops": "operations",
    "spec": "specialist",
    "supv": "supervisor",
    "supvr": "supervisor",
    "dir": "director",
    "vp": "vice president",
    "cna": "certified nursing assistant",
    "rn": "registered nurse",
    "lpn": "licensed practical nurse",
    "csr": "customer service representative",
    "dishwashing": "dishwasher",
}


def _words(text: str) -> list[str]:
    words: list[str] = []
    for w in _WORD.findall(text.replace("'s", "")):
        if w in NOISE or w.isdigit() or len(_DIGIT.findall(w)) >= 4:  # "Clerk 1", "DC12731"
            continue
        words.extend(ABBREVIATIONS.get(w, w).split())
    while len(words) > 1 and words[0] in SENIORITY:
        words = words[1:]
    return [stem(w) for w in words]


def _clean(text: str) -> str:
    text = text.lower().replace("&", " and ").replace("’", "'")
    text = _PHRASES.sub(" ", _PAY.sub(" ", text))
    return text


def normalize_title(text: str) -> str:
    """Lower-case words of a title without noise, plural-folded, space-joined.

    >>> normalize_title("Dishwasher PT nights - $18/hr")
    'dishwasher'
    >>> normalize_title("Head of Sales")
    'sale manager'
    """
    words = _words(_clean(text))
    joined = " ".join(words)
    head = _HEAD_OF.match(joined)
    if head:
        role = "manager" if head.group(1) in {"head", "chief"} else head.group(1)
        joined = f"{head.group(2)} {role}"
    return joined


def title_variants(text: str) -> list[str]:
    """The whole normalised title, then its separator-delimited parts (distinct, non-empty).

    "Cloud Platform/ Big Data Engineer" gives the whole title and "big data
    engineer"; "Dish Machine Operator (DMO)" gives "dish machine operator dmo",
    "dish machine operator" and "dmo".
    """
    cleaned = _clean(text)
    out = [normalize_title(text)]
    parts = [p for p in _SPLIT.split(cleaned) if p and p.strip()]
    if len(parts) > 1:
        out.extend(normalize_title(p) for p in parts)
    return [v for v in dict.fromkeys(out) if v]
