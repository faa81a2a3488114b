"""A tiny hand-written O*NET-format release (text files + one Excel workbook).

Four occupations with the official file names and columns, so the importer,
title resolution, inference and similarity can be tested without the real
release. Values are invented, chosen so expectations can be worked out by hand.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

CODES = {
    "35-9021.00": ("Dishwashers", "Clean dishes, kitchen, food preparation equipment, or utensils."),
    "35-9011.00": ("Dining Room and Cafeteria Attendants", "Facilitate food service."),
    "41-2011.00": ("Cashiers", "Receive and disburse money in establishments."),
    "15-1252.00": ("Software Developers", "Design and develop software."),
}
ALTERNATE = [
    ("35-9021.00", "Dish Washer"),
    ("35-9021.00", "Pot Washer"),
    ("35-9021.00", "Kitchen Steward"),
    ("35-9011.00", "Busser"),
    ("35-9011.00", "Kitchen Steward"),
    ("41-2011.00", "Checker"),
    ("15-1252.00", "Programmer"),
    ("15-1252.00", "Software Engineer"),
]
REPORTED = [("35-9021.00", "Dishwasher"), ("41-2011.00", "Cashier"), ("15-1252.00", "Developer")]
# R I A S E C (OI scale 1-7)
RIASEC = {
    "35-9021.00": (7.0, 1.0, 1.0, 2.0, 1.5, 4.5),
    "35-9011.00": (5.0, 1.0, 1.0, 4.0, 2.0, 4.0),
    "41-2011.00": (3.0, 1.0, 1.0, 3.0, 3.5, 6.0),
    "15-1252.00": (2.0, 6.5, 2.0, 1.5, 2.5, 4.5),
}
ZONES = {"35-9021.00": 1, "35-9011.00": 1, "41-2011.00": 2, "15-1252.00": 4}
STYLES = [
    "Attention to Detail",
    "Stress Tolerance",
    "Adaptability/Flexibility",
    "Social Orientation",
    "Concern for Others",
    "Analytical Thinking",
]
STYLE_VALUES = {
    "35-9021.00": (3.5, 3.6, 3.4, 2.9, 3.1, 2.0),
    "35-9011.00": (3.6, 3.9, 3.9, 4.3, 3.8, 2.2),
    "41-2011.00": (3.9, 3.7, 3.5, 3.8, 3.7, 2.6),
    "15-1252.00": (4.6, 4.0, 4.2, 3.0, 3.0, 4.8),
}
SKILLS = [
    "Active Learning",
    "Coordination",
    "Service Orientation",
    "Complex Problem Solving",
    "Time Management",
    "Programming",
]
# (importance, level) per skill
SKILL_VALUES = {
    "35-9021.00": ((2.0, 1.5), (2.5, 1.8), (2.2, 1.5), (1.8, 1.2), (2.8, 2.0), (1.0, 0.0)),
    "35-9011.00": ((2.1, 1.6), (2.9, 2.3), (3.4, 2.9), (1.9, 1.3), (2.9, 2.2), (1.0, 0.0)),
    "41-2011.00": ((2.6, 2.2), (2.7, 2.4), (3.5, 3.1), (2.3, 2.0), (2.7, 2.3), (1.0, 0.0)),
    "15-1252.00": ((3.9, 4.5), (3.2, 3.6), (2.5, 2.4), (4.1, 4.9), (3.5, 3.9), (4.6, 5.6)),
}
DWAS = [
    ("4.A.3.a.3", "4.A.3.a.3.I01", "4.A.3.a.3.I01.D01", "Clean tableware."),
    ("4.A.3.a.3", "4.A.3.a.3.I01", "4.A.3.a.3.I01.D02", "Clean food preparation areas."),
    ("4.A.3.a.3", "4.A.3.a.3.I02", "4.A.3.a.3.I02.D01", "Serve food or beverages."),
    ("4.A.4.a.1", "4.A.4.a.1.I01", "4.A.4.a.1.I01.D01", "Process sales or other transactions."),
    ("4.A.3.b.1", "4.A.3.b.1.I01", "4.A.3.b.1.I01.D01", "Write computer programming code."),
]
IWAS = [
    ("4.A.3.a.3", "4.A.3.a.3.I01", "Clean equipment or facilities."),
    ("4.A.3.a.3", "4.A.3.a.3.I02", "Serve food."),
    ("4.A.4.a.1", "4.A.4.a.1.I01", "Sell products."),
    ("4.A.3.b.1", "4.A.3.b.1.I01", "Program computers."),
]
# (code, task id, task type, DWA id)
TASKS = [
    ("35-9021.00", "1", "Core", "4.A.3.a.3.I01.D01"),
    ("35-9021.00", "2", "Core", "4.A.3.a.3.I01.D02"),
    ("35-9021.00", "3", "Supplemental", "4.A.3.a.3.I01.D01"),
    ("35-9011.00", "4", "Core", "4.A.3.a.3.I01.D01"),
    ("35-9011.00", "5", "Core", "4.A.3.a.3.I02.D01"),
    ("41-2011.00", "6", "Core", "4.A.4.a.1.I01.D01"),
    ("15-1252.00", "7", "Core", "4.A.3.b.1.I01.D01"),
]
TECH = [
    ("15-1252.00", "Python", "Object or component oriented development software", "Y"),
    ("15-1252.00", "Git", "Configuration management software", "Y"),
    ("41-2011.00", "Point of sale POS software", "Point of sale POS software", "N"),
]


def _write(path: Path, header: list[str], rows: list[tuple[object, ...]]) -> None:
    lines = ["\t".join(header)] + ["\t".join(str(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_release(folder: Path, *, excel_skills: bool = True) -> Path:
    """Write the tiny release into ``folder`` (Skills as .xlsx, or as .txt)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Read Me.txt").write_text("O*NET 99.9 Database (synthetic test release)\n")
    code = "O*NET-SOC Code"
    _write(
        folder / "Occupation Data.txt",
        [code, "Title", "Description"],
        [(c, t, d) for c, (t, d) in CODES.items()],
    )
    _write(
        folder / "Alternate Titles.txt",
        [code, "Alternate Title", "Short Title", "Source(s)"],
        [(c, t, "n/a", "08") for c, t in ALTERNATE],
    )
    _write(
        folder / "Sample of Reported Titles.txt",
        [code, "Reported Job Title", "Shown in My Next Move"],
        [(c, t, "Y") for c, t in REPORTED],
    )
    names = ["Realistic", "Investigative", "Artistic", "Social", "Enterprising", "Conventional"]
    _write(
        folder / "Interests.txt",
        [code, "Element ID", "Element Name", "Scale ID", "Data Value", "Date", "Domain Source"],
        [
            (c, f"1.B.1.{'abcdef'[i]}", n, "OI", v[i], "11/2023", "Analyst")
            for c, v in RIASEC.items()
            for i, n in enumerate(names)
        ],
    )
    _write(
        folder / "Job Zones.txt",
        [code, "Job Zone", "Date", "Domain Source"],
        [(c, z, "08/2023", "Analyst") for c, z in ZONES.items()],
    )
    _write(
        folder / "Work Styles.txt",
        [code, "Element ID", "Element Name", "Scale ID", "Data Value"],
        [(c, f"1.C.{i}", n, "IM", v[i]) for c, v in STYLE_VALUES.items() for i, n in enumerate(STYLES)],
    )
    _write(folder / "DWA Reference.txt", ["Element ID", "IWA ID", "DWA ID", "DWA Title"], DWAS)
    _write(folder / "IWA Reference.txt", ["Element ID", "IWA ID", "IWA Title"], IWAS)
    _write(
        folder / "Task Statements.txt",
        [code, "Task ID", "Task", "Task Type"],
        [(c, t, f"Task {t}.", kind) for c, t, kind, _ in TASKS],
    )
    _write(
        folder / "Tasks to DWAs.txt",
        [code, "Task ID", "DWA ID", "Date", "Domain Source"],
        [(c, t, d, "03/2014", "Analyst") for c, t, _, d in TASKS],
    )
    _write(
        folder / "Technology Skills.txt",
        [code, "Example", "Commodity Code", "Commodity Title", "Hot Technology", "In Demand"],
        [(c, e, "43232300", t, hot, "N") for c, e, t, hot in TECH],
    )
    header = [
        code,
        "Title",
        "Element ID",
        "Element Name",
        "Scale ID",
        "Scale Name",
        "Data Value",
        "Not Relevant",
    ]
    rows = [
        (c, CODES[c][0], f"2.A.{j}", n, scale, scale, v[j][k], "N" if scale == "LV" else "")
        for c, v in SKILL_VALUES.items()
        for j, n in enumerate(SKILLS)
        for k, scale in enumerate(("IM", "LV"))
    ]
    if excel_skills:
        book = Workbook()
        sheet = book.active
        sheet.append(header)
        for row in rows:
            sheet.append(list(row))
        book.save(folder / "Skills.xlsx")
    else:
        _write(folder / "Skills.txt", header, rows)
    return folder
