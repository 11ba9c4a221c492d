"""The cache of earlier periods' tables is keyed by everything that decides them."""

import shutil

import pandas as pd

from nashra.paths import PROJECT_ROOT
from tasks.evaluation.history import PROJECT_PACKAGES, rule_files, rules_fingerprint


def test_a_rule_changed_in_a_subpackage_changes_the_fingerprint_and_a_help_string_does_not(tmp_path):
    for folder in PROJECT_PACKAGES:
        shutil.copytree(PROJECT_ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    before = rules_fingerprint(tmp_path)
    for outside in ("nashra/cli/__init__.py", "tasks/delivery/letters.py", "tasks/bulletins/render.py"):
        with (tmp_path / outside).open("a") as module:
            module.write("\n# a changed help string, word of a letter, bulletin\n")
    assert rules_fingerprint.__wrapped__(tmp_path) == before  # no cached week recomputed for them
    with (tmp_path / "tasks" / "evaluation" / "figures.py").open("a") as module:
        module.write("\n# a changed rule\n")
    assert rules_fingerprint.__wrapped__(tmp_path) != before


def test_the_fingerprint_covers_exactly_the_code_that_turns_files_into_figures():
    covered = {str(p.relative_to(PROJECT_ROOT)) for p in rule_files()}
    for module in (
        "tasks/intake/read.py",
        "tasks/intake/workbooks.py",  # imported by read.py only
        "tasks/evaluation/figures.py",
        "schemas/contracts.py",
        "schemas/columns.py",
        "nashra/periods.py",
    ):
        assert module in covered
    for outside in ("nashra/cli/", "tasks/delivery/", "tasks/bulletins/", "tasks/outputs/", "flows/", "devtools/"):
        assert not any(module.startswith(outside) for module in covered), outside


def test_a_directorate_back_after_a_missing_week_is_ranked_with_no_rank_change(tmp_path, reference):
    """The sample's BOU sent nothing in 2026-W42 (the first week) and is back in 2026-W43."""
    from nashra.paths import RAW_DIR, REFERENCE_DIR, RunPaths
    from nashra.periods import Period
    from tasks.evaluation.history import evaluate_with_history
    from tasks.evaluation.ranking import ranking_frame
    from tasks.intake.discover import scan_folders

    period = Period.parse("2026-W43")
    paths = RunPaths(RAW_DIR, REFERENCE_DIR, tmp_path / "out", tmp_path / "state")
    folders = scan_folders(RAW_DIR, period, reference.codes)
    current, history = evaluate_with_history(paths, reference, period, folders, store=False)
    assert history[period.previous()].loc["BOU", "data_status"] == "missing"
    ranking = ranking_frame(current.table, history[period.previous()], reference, str(period)).set_index(
        "directorate_code"
    )
    assert ranking.loc["BOU", "data_status"] == "received" and ranking.loc["BOU", "rank"] >= 1
    assert pd.isna(ranking.loc["BOU", "rank_change"])  # no rank then: no change to show
    assert ranking.drop(index="BOU")["rank_change"].notna().all()
    assert not (tmp_path / "state").exists()  # nothing cached: store=False writes nothing
