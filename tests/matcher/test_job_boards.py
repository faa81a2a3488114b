"""Job-board exports read into opening fields: what is stated kept, what is not left unknown."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from matcher.records.job_boards import JOBSPY, LINKEDIN, detect_profile, read_posting

SHARED = Path(__file__).resolve().parents[2] / "../shared/data"
AS_OF = dt.date(2024, 4, 20)
LINKEDIN_ROW = {
    "job_id": 3902356107,
    "company_name": "Hopper",
    "title": "Line cook",
    "description": "Cook.",
    "min_salary": 16.0,
    "max_salary": 18.0,
    "pay_period": "HOURLY",
    "location": "New York, NY",
    "remote_allowed": float("nan"),
    "listed_time": 1713540000000.0,  # 2024-04-19
    "expiry": 1716130000000.0,  # 2024-05-19
    "closed_time": float("nan"),
    "currency": "USD",
}
JOBSPY_ROW = {
    "title": "Stock clerk",
    "company": "Corner Market",
    "location": "Chicago, IL",
    "job_type": "parttime",
    "interval": "yearly",
    "min_amount": 41600,
    "max_amount": 52000,
    "is_remote": "False",
    "date_posted": "2024-04-10",
    "description": "Stock shelves.",
    "job_url": "https://example.org/jobs/1",
}


def test_profiles_are_detected_from_the_header() -> None:
    assert detect_profile(list(LINKEDIN_ROW)) is LINKEDIN
    assert detect_profile(list(JOBSPY_ROW)) is JOBSPY
    assert detect_profile(["title", "employer", "shifts"]) is None


def test_a_linkedin_row_keeps_what_it_states_and_leaves_the_rest_unknown() -> None:
    posting = read_posting(LINKEDIN_ROW, LINKEDIN, as_of=AS_OF)
    assert posting.errors == []
    assert [w.kind for w in posting.warnings] == ["location_city_level", "shifts_unknown"]
    assert (posting.source, posting.external_id, posting.employer) == ("linkedin", "3902356107", "Hopper")
    assert posting.fields["hourly_wage"] == 16.0  # the low end of the range, never the best case
    assert posting.fields["posted"] == "2024-04-19" and posting.fields["expires"] == "2024-05-19"
    assert posting.place is not None and posting.place.precision == "city"
    assert "shifts" not in posting.fields and "hours_per_week" not in posting.fields  # not stated


def test_a_jobspy_row_without_expiry_gets_the_time_to_live() -> None:
    posting = read_posting(JOBSPY_ROW, JOBSPY, as_of=AS_OF, ttl_days=21)
    assert posting.errors == []
    assert posting.fields["hourly_wage"] == 20.0  # 41,600 a year over 2,080 hours
    assert posting.fields["expires"] == "2024-05-01"
    no_expiry = [w.message for w in posting.warnings if w.kind == "no_expiry"]
    assert no_expiry == ["no expiry date: open for 21 days after posting"]


def test_an_expired_or_closed_posting_is_a_warning_not_an_open_opening() -> None:
    expired = read_posting(LINKEDIN_ROW, LINKEDIN, as_of=dt.date(2024, 6, 1))
    assert "expired_on_arrival" in {w.kind for w in expired.warnings}
    closed = read_posting(LINKEDIN_ROW | {"closed_time": 1713600000000.0}, LINKEDIN, as_of=AS_OF)
    assert closed.fields["status"] == "closed"


def test_a_state_or_the_country_alone_is_location_unknown_with_a_warning() -> None:
    posting = read_posting(LINKEDIN_ROW | {"location": "United States"}, LINKEDIN, as_of=AS_OF)
    assert "location" not in posting.fields and posting.fields["location_precision"] == "country"
    assert [w.kind for w in posting.warnings if w.column == "location"] == ["location_unknown"]
    remote = read_posting(
        LINKEDIN_ROW | {"location": "United States", "remote_allowed": 1.0}, LINKEDIN, as_of=AS_OF
    )
    assert "location_unknown" not in {w.kind for w in remote.warnings} and remote.fields["remote"] is True


def test_every_problem_of_a_row_is_reported_at_once() -> None:
    bad = LINKEDIN_ROW | {"title": "", "company_name": "", "pay_period": "", "listed_time": "soon"}
    posting = read_posting(bad, LINKEDIN, as_of=AS_OF)
    assert [e.column for e in posting.errors] == ["title", "pay_period", "listed_time"]
    kinds = {w.column: w.kind for w in posting.warnings}  # questions, not reasons to reject
    assert kinds["company_name"] == "employer_unnamed" and "pay" not in kinds  # the pay is wrong, not unknown


def test_a_company_known_only_by_number_is_named_by_it() -> None:
    posting = read_posting(LINKEDIN_ROW | {"company_name": None, "company_id": 553718}, LINKEDIN, as_of=AS_OF)
    assert posting.employer == "Company 553718"


@pytest.mark.parametrize(
    ("name", "as_of"),
    [
        ("jobs_linkedin_2023_24_sample1000/postings.csv", dt.date(2024, 4, 1)),
        ("jobs_linkedin_2024_sample165/postings.csv", dt.date(2026, 12, 1)),
    ],
)
def test_the_real_exports_are_read(name: str, as_of: dt.date) -> None:
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"{path} is absent (the shared data sits beside the repository)")
    frame = pd.read_csv(path)
    profile = detect_profile(list(frame.columns))
    assert profile is LINKEDIN
    postings = [read_posting(row, profile, as_of=as_of) for row in frame.to_dict("records")]
    readable = [p for p in postings if not p.errors]
    assert len(readable) >= 0.95 * len(postings)
    if as_of.year == 2026:  # every posting of the 2024 file is expired by now, and each one says so
        assert all("expired_on_arrival" in {w.kind for w in p.warnings} for p in postings)
