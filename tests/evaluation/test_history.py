"""The cache of earlier periods' tables is keyed by everything that decides them."""

import shutil

from nashra.paths import PROJECT_ROOT
from tasks.evaluation.history import RULE_PACKAGES, rule_files, rules_fingerprint


def test_a_rule_changed_in_a_subpackage_changes_the_fingerprint(tmp_path):
    for folder in RULE_PACKAGES:
        shutil.copytree(PROJECT_ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    before = rules_fingerprint(tmp_path)
    with (tmp_path / "tasks" / "evaluation" / "figures.py").open("a") as module:
        module.write("\n# a changed rule\n")
    assert rules_fingerprint.__wrapped__(tmp_path) != before


def test_the_fingerprint_covers_every_stage_module():
    covered = {str(p.relative_to(PROJECT_ROOT)) for p in rule_files()}
    for module in ("tasks/intake/read.py", "tasks/evaluation/figures.py", "schemas/contracts.py", "nashra/periods.py"):
        assert module in covered
