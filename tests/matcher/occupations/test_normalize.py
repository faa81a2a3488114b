"""Title normalisation: noise words out, plurals folded, parts split at separators."""

from __future__ import annotations

import pytest

from matcher.occupations.normalize import normalize_title, title_variants


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Dishwasher PT nights", "dishwasher"),
        ("Dishwashers", "dishwasher"),
        ("dish washer", "dish washer"),
        ("Sr. Dishwasher - weekends - $18/hr", "dishwasher"),
        ("Part-Time Cashier (Immediate Start)", "cashier"),
        ("Registered Nurse - Nights $45/hour sign-on bonus", "registered nurse"),
        ("Head of Sales", "sale manager"),
        ("Senior Accountant", "accountant"),
        ("Janitor #1868", "janitor"),
        ("AS400 Developer", "as400 developer"),
        ("Cust Svc Rep", "customer service representative"),
        ("Clerk 1", "clerk"),
    ],
)
def test_normalize_strips_noise_and_folds_plurals(raw: str, expected: str) -> None:
    assert normalize_title(raw) == expected


def test_seniority_word_alone_is_kept() -> None:
    # "Associate" names nothing once stripped; a lone seniority word stays.
    assert normalize_title("Associate") == "associate"
    assert normalize_title("Sales Associate") == "sale associate"


def test_noise_only_title_normalises_to_empty() -> None:
    assert normalize_title("PT nights - $18/hr") == ""


def test_variants_split_at_separators() -> None:
    variants = title_variants("Cloud Platform/ Big Data Engineer")
    assert variants[0] == "cloud platform big data engineer"
    assert "big data engineer" in variants
    assert title_variants("Dish Machine Operator (DMO)") == [
        "dish machine operator dmo",
        "dish machine operator",
        "dmo",
    ]


def test_variants_of_plain_title_is_one() -> None:
    assert title_variants("Dishwasher") == ["dishwasher"]
