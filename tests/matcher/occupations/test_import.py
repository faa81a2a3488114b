"""Importing O*NET releases: tables, idempotence, determinism, errors, real data."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from matcher.occupations import OccupationStore, StoreError, import_onet
from matcher.occupations.sources import TABLES, OnetSourceError, SourceFile, find_sources, read_table
from matcher.occupations.store import FORMAT_VERSION
from tests.matcher.occupations import synthetic
from tests.matcher.occupations.conftest import ESCO, ONET_EXCEL, ONET_TEXT, require


def _bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_tiny_release_tables(tiny_store: OccupationStore) -> None:
    s = tiny_store
    assert s.codes == tuple(sorted(synthetic.CODES))
    dish = s.row("35-9021.00")
    assert s.titles[dish] == "Dishwashers"
    assert s.riasec[dish].tolist() == list(synthetic.RIASEC["35-9021.00"])
    assert s.job_zone[dish] == 1
    assert s.skill_names == tuple(synthetic.SKILLS)  # Excel workbook, content-model order
    assert s.skill_level[s.row("15-1252.00"), s.skill_names.index("Programming")] == 5.6
    assert s.styles[dish, s.style_names.index("Stress Tolerance")] == 3.6
    # D01 is linked by a core and a supplemental task, D02 by one core task: D01 first
    assert s.activities[dish] == ("4.A.3.a.3.I01.D01", "4.A.3.a.3.I01.D02")
    assert [t.example for t in s.technology[s.row("15-1252.00")]] == ["Git", "Python"]
    assert s.knowledge_names == ()  # no Knowledge file in the tiny release


def test_row_accepts_six_digit_soc_code(tiny_store: OccupationStore) -> None:
    assert tiny_store.row("35-9021") == tiny_store.row("35-9021.00")
    with pytest.raises(KeyError, match="99-9999.00"):
        tiny_store.row("99-9999.00")


def test_reimport_is_idempotent(tiny_release: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    first = import_onet([tiny_release], store)
    before = _bytes(store)
    again = import_onet([tiny_release], store)
    assert not first.up_to_date and again.up_to_date
    assert again.occupations == first.occupations == 4
    assert _bytes(store) == before


def test_forced_reimport_is_byte_identical(tiny_release: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    import_onet([tiny_release], store)
    before = _bytes(store)
    report = import_onet([tiny_release], store, force=True)
    assert not report.up_to_date
    assert _bytes(store) == before


def test_changed_source_triggers_rebuild(tiny_release: Path, tmp_path: Path) -> None:
    release = shutil.copytree(tiny_release, tmp_path / "release")
    store = tmp_path / "store"
    import_onet([release], store)
    jz = release / "Job Zones.txt"
    jz.write_text(jz.read_text().replace("15-1252.00\t4", "15-1252.00\t5"))
    report = import_onet([release], store)
    assert not report.up_to_date
    assert OccupationStore.load(store).job_zone[OccupationStore.load(store).row("15-1252.00")] == 5


def test_report_names_files_and_rows(tiny_release: Path, tmp_path: Path) -> None:
    report = import_onet([tiny_release], tmp_path / "store")
    rows = {f["file"]: f["rows"] for f in report.files}
    assert rows["Occupation Data.txt"] == 4
    assert rows["Skills.xlsx"] == 4 * 6 * 2
    assert report.releases == ("O*NET 99.9 Database (synthetic test release)",)
    assert all(len(f["sha256"]) == 64 for f in report.files)
    fingerprint = OccupationStore.load(report.store).metadata["fingerprint"]
    assert "importer" in fingerprint  # a new importer version makes old stores stale


def test_text_and_excel_skills_give_the_same_store(tmp_path: Path) -> None:
    xlsx = import_onet([synthetic.write_release(tmp_path / "x")], tmp_path / "sx")
    txt = import_onet([synthetic.write_release(tmp_path / "t", excel_skills=False)], tmp_path / "st")
    a, b = OccupationStore.load(xlsx.store), OccupationStore.load(txt.store)
    np.testing.assert_array_equal(a.skill_level, b.skill_level)
    np.testing.assert_array_equal(a.skill_importance, b.skill_importance)


def test_an_excel_table_reads_like_its_text_twin(tmp_path: Path) -> None:
    excel = find_sources([synthetic.write_release(tmp_path / "x")])["skills"]
    text = find_sources([synthetic.write_release(tmp_path / "t", excel_skills=False)])["skills"]
    assert (excel.path.suffix, text.path.suffix) == (".xlsx", ".txt")
    from_excel, from_text = read_table(excel), read_table(text)
    # the synthetic text file writes 2.0 where O*NET writes 2; the numbers are the same
    value = "Data Value"
    pd.testing.assert_frame_equal(from_excel.drop(columns=value), from_text.drop(columns=value))
    np.testing.assert_array_equal(from_excel[value].astype(float), from_text[value].astype(float))


def test_the_real_excel_workbooks_read_as_string_tables() -> None:
    require(ONET_EXCEL)
    frame = read_table(SourceFile("skills", ONET_EXCEL / "Skills.xlsx", "O*NET 29.3", ""))
    assert frame.shape == (61530, 15) and frame.columns[0] == "O*NET-SOC Code"
    assert all(pd.api.types.is_string_dtype(dtype) for dtype in frame.dtypes)
    first = frame.iloc[0]
    assert (first["Element Name"], first["Scale ID"], first["Data Value"]) == (
        "Reading Comprehension",
        "IM",
        "4.12",
    )
    assert (first["N"], first["Not Relevant"], first["Date"]) == ("8", "", "08/2023")  # as in the text files


def test_an_unreadable_workbook_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "Skills.xlsx").write_bytes(b"not a workbook")
    source = SourceFile("skills", tmp_path / "Skills.xlsx", "O*NET test", "")
    with pytest.raises(OnetSourceError, match="cannot read .*Skills.xlsx"):
        read_table(source)
    assert TABLES[source.table] == "Skills"


def test_missing_occupation_data_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(OnetSourceError, match="Occupation Data"):
        import_onet([tmp_path / "empty"], tmp_path / "store")
    with pytest.raises(OnetSourceError, match="not found"):
        import_onet([tmp_path / "nowhere"], tmp_path / "store")


def test_loading_missing_or_foreign_store_fails_clearly(tiny_store_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="occupations import"):
        OccupationStore.load(tmp_path / "none")
    copy = shutil.copytree(tiny_store_dir, tmp_path / "old")
    meta = copy / "metadata.json"
    meta.write_text(meta.read_text().replace(f'"format": {FORMAT_VERSION}', '"format": 0'))
    with pytest.raises(StoreError, match="format"):
        OccupationStore.load(copy)


def test_real_release_import(real_store: OccupationStore) -> None:
    counts = real_store.metadata["counts"]
    assert counts["occupations"] == len(real_store) == 1016  # O*NET-SOC 2019 taxonomy
    assert counts["with_job_zone"] == 923
    assert counts["with_skills"] > 850  # from the 29.3 Excel workbook
    assert counts["esco_linked_occupations"] > 0
    files = {f["file"] for f in real_store.metadata["files"]}
    assert {"Skills.xlsx", "Knowledge.xlsx", "Work Styles.txt", "Tasks to DWAs.txt"} <= files
    dish = real_store.row("35-9021.00")
    assert real_store.titles[dish] == "Dishwashers"
    assert real_store.job_zone[dish] == 1
    assert "Stress Tolerance" in real_store.style_names
    assert "Complex Problem Solving" in real_store.skill_names
    assert any("tableware" in real_store.dwa_titles[d].lower() for d in real_store.activities[dish])


def test_real_reimport_is_a_no_op(real_store_dir: Path) -> None:
    before = _bytes(real_store_dir)
    report = import_onet([ONET_TEXT, ONET_EXCEL], real_store_dir, esco=ESCO)
    assert report.up_to_date
    assert report.occupations == 1016
    assert _bytes(real_store_dir) == before


def test_load_is_cached_per_path_until_the_store_changes(tiny_release: Path, tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    import_onet([tiny_release], store_dir)
    first = OccupationStore.load(store_dir)
    assert OccupationStore.load(store_dir) is first
    assert OccupationStore.load(str(store_dir / ".." / "store")) is first  # same directory
    import_onet([tiny_release], store_dir, force=True)  # rewritten: read again
    assert OccupationStore.load(store_dir) is not first


def test_store_holds_core_tasks_first(tiny_store: OccupationStore) -> None:
    dish = tiny_store.row("35-9021.00")
    assert tiny_store.tasks[dish] == ("Task 1.", "Task 2.", "Task 3.")  # task 3 is supplemental
    # D01 is linked by core task 1 and supplemental task 3: one core link
    assert tiny_store.core_activities[dish] == ("4.A.3.a.3.I01.D01", "4.A.3.a.3.I01.D02")
    assert tiny_store.core_task_links[dish] == (1, 1)
    assert tiny_store.metadata["format"] == FORMAT_VERSION
