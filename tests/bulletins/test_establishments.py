"""The directorate bulletin's table by establishment (issue 26, item 4)."""

import pandas as pd

from nashra.periods import Period
from tasks.bulletins.comparison import by_establishment

P = Period.parse("2026-W47")  # 16-22/11/2026


def exams(rows):
    frame = pd.DataFrame(rows, columns=["establishment", "candidate_id", "exam_date", "is_pass"])
    return frame.astype({"exam_date": "datetime64[ns]"})


def test_the_ten_with_most_exams_then_the_others_summed_with_each_candidate_once():
    rows = []
    for i in range(12):  # school 00 has 12 exams, school 11 has 1
        rows += [(f"school {i:02}", f"c{i}-{n}", "2026-10-01", n == 0) for n in range(12 - i)]
    rows += [("school 10", "twice", "2026-11-18", True), ("school 11", "twice", "2026-11-20", True)]
    rows += [(None, "nowhere", "2026-11-17", False)]
    lines = by_establishment(exams(rows), P)
    assert [line["establishment"] for line in lines] == [*(f"school {i:02}" for i in range(10)), None]
    assert lines[0] == {
        "establishment": "school 00",
        "exams": 12,
        "passed": 1,
        "certified": 1,
        "week": 0,
        "rate": 1 / 12,
    }
    others = lines[-1]  # school 10 (3 rows), school 11 (2 rows), the row without establishment
    assert (others["exams"], others["passed"], others["week"]) == (6, 4, 3)
    assert others["certified"] == 3  # c10-0, c11-0 and « twice » once, though certified in both
    assert sum(line["exams"] for line in lines) == len(rows)


def test_no_table_when_the_file_has_no_establishment():
    assert by_establishment(exams([(None, "c1", "2026-11-18", True)]), P) == []
    assert by_establishment(None, P) == []


def test_few_establishments_have_no_line_of_others():
    lines = by_establishment(exams([("A", "c1", "2026-11-18", True), ("B", "c2", "2026-11-01", False)]), P)
    assert [(line["establishment"], line["week"]) for line in lines] == [("A", 1), ("B", 0)]
