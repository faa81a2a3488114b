"""ESCO skill labels and the ESCO -> O*NET title crosswalk."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest

from matcher.occupations import EscoSkills
from matcher.occupations.esco import EscoError, crosswalk_titles, find_zip
from tests.matcher.occupations.conftest import ESCO, require


def _rows(*rows: tuple[str, str, list[str]]) -> list[dict[str, str]]:
    return [{"conceptUri": u, "preferredLabel": p, "altLabels": "\n".join(a)} for u, p, a in rows]


SKILLS = _rows(
    ("s:1", "customer service", ["customer care", "customer support", "customer services"]),
    ("s:2", "wash the dishes", ["do the dishes", "washing the dishes"]),
    ("s:3", "operate cash register", ["customer care"]),
)
OCCUPATIONS = _rows(
    ("o:1", "kitchen porter", ["dish washer", "kitchen steward", "KP"]),
    ("o:2", "astronaut", ["cosmonaut"]),
    ("o:3", "shop helper", ["kitchen steward"]),
)


def _csv(rows: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


@pytest.fixture()
def esco_zip(tmp_path: Path) -> Path:
    path = tmp_path / "esco - classification - en - csv.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("skills_en.csv", _csv(SKILLS))
        zf.writestr("occupations_en.csv", _csv(OCCUPATIONS))
    return path


def test_alternative_labels_meet_the_preferred_label(esco_zip: Path) -> None:
    skills = EscoSkills.load(esco_zip.parent)  # a folder of zips works too
    assert len(skills) == 3
    assert skills.canonical("Customer Care") == "customer service"  # preferred skill wins the label
    assert skills.canonical("customer service") == "customer service"
    assert skills.canonical("washing the dishes") == "wash the dishes"
    assert skills.uri("do the dishes") == "s:2"


def test_fuzzy_label_and_unknown_phrase(esco_zip: Path) -> None:
    skills = EscoSkills.load(esco_zip)
    assert skills.canonical("operate cash registers") == "operate cash register"  # plural folded
    assert skills.canonical("operate a cash regster") == "operate cash register"  # typo, ratio >= 90
    assert skills.canonical("juggling") is None


def test_crosswalk_links_by_majority_of_labels(esco_zip: Path) -> None:
    onet = {"dish washer": {7}, "kitchen steward": {7, 8}}
    cross = crosswalk_titles(esco_zip, onet)
    assert cross.read == 3
    assert cross.linked == 1  # "shop helper" has one label in O*NET, "astronaut" none
    assert sorted(cross.titles) == [("KP", 7), ("kitchen porter", 7)]


def test_missing_zip_member_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EscoError, match="skills_en.csv"):
        find_zip(tmp_path, "skills_en.csv")


def test_real_esco_customer_care_meets_customer_service() -> None:
    require(ESCO)
    skills = EscoSkills.load(ESCO)
    assert len(skills) == 13896
    assert skills.canonical("customer care") == skills.canonical("customer service") == "customer service"
    assert skills.canonical("use a forklift") == "operate forklift"
    assert skills.canonical("quantum chromodynamics for poets") is None
