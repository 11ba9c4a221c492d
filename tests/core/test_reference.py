import shutil

import pytest

from nashra.paths import REFERENCE_DIR
from nashra.reference import ReferenceError, load_reference


def test_reference_data_loads(reference):
    assert reference.codes == ["FES", "MEK", "HAJ", "IFR", "MYA", "SEF", "BOU", "TAO", "TAZ"]
    assert reference.exams.at["MO-200", "passing_score"] == 700
    assert int(reference.targets["FES"]) == 3200


@pytest.mark.parametrize(
    "name, text, message",
    [
        ("targets.csv", "directorate_code,beneficiaries_target\nFES,3200\nMEK,many\n", r"targets.csv:3: .*'many'"),
        ("exams.csv", "exam_code,title_fr\nMO-100,Word\n", r"exams.csv:1: missing column"),
        ("recipients.csv", "scope,name,email\nXYZ,Someone,x@y.ma\n", r"recipients.csv:2: scope 'XYZ'"),
        (
            "directorates.csv",
            "code,name_ar,name_fr,kind\nFES,فاس,Fès,prefecture\nFES,فاس,Fès,prefecture\n",
            r"directorates.csv:3: code 'FES' already on line 2",
        ),
    ],
)
def test_a_broken_reference_file_is_an_error_naming_file_and_line(tmp_path, name, text, message):
    shutil.copytree(REFERENCE_DIR, tmp_path, dirs_exist_ok=True)
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(ReferenceError, match=message):
        load_reference(tmp_path)
