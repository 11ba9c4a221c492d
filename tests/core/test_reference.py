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
        # SPEC §8 "Reference data" (issue 24, item 4)
        ("targets.csv", "directorate_code,beneficiaries_target\nFES,0\n", r"targets.csv:2: .*'0' is not a positive"),
        ("targets.csv", "directorate_code,beneficiaries_target\nFES,٣٢٠٠\n", r"targets.csv:2: .*not a positive"),
        (
            "directorates.csv",
            f"code,name_ar,name_fr,kind\nFES,فاس,{'F' * 201},prefecture\n",
            r"directorates.csv:2: name_fr has 201 characters, more than 200",
        ),
        (
            "recipients.csv",
            f"scope,name,email\nREGION,Centre,crsi@aref.ma\nFES,{'A' * 2000},d@aref.ma\n",
            r"recipients.csv:3: name has 2000 characters",
        ),
        (
            "recipients.csv",
            "scope,name,email\nFES,Directeur \u202efes,d@aref.ma\n",
            r"recipients.csv:2: name holds the control or bidi character U\+202E",
        ),
        ("directorates.csv", "code,name_ar,name_fr,kind\nFES,فاس,F\u2066ès,prefecture\n", r"U\+2066"),
        ("directorates.csv", "code,name_ar,name_fr,kind\nfès,فاس,Fès,prefecture\n", r"directorates.csv:2: code 'fès'"),
        ("programme.csv", f"key,value\nacademy_fr,{'A' * 201}\n", r"programme.csv:2: value has 201 characters"),
    ],
)
def test_a_broken_reference_file_is_an_error_naming_file_and_line(tmp_path, name, text, message):
    shutil.copytree(REFERENCE_DIR, tmp_path, dirs_exist_ok=True)
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(ReferenceError, match=message):
        load_reference(tmp_path)


def test_a_name_at_the_limit_and_the_bidi_marks_are_accepted(tmp_path):
    shutil.copytree(REFERENCE_DIR, tmp_path, dirs_exist_ok=True)
    lines = (tmp_path / "recipients.csv").read_text(encoding="utf-8").splitlines()
    lines.append(f"FES,{'A' * 200},long@aref.ma")
    lines.append("FES,\u200fمدير\u200e,marks@aref.ma")
    (tmp_path / "recipients.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert len(load_reference(tmp_path).recipients) == len(lines) - 1
