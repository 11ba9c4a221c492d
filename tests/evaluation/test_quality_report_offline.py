"""The quality report works offline and tells warnings from errors (issue 11): the Data Docs
fetch nothing when opened — checked in headless chromium with the network blocked — the index
lists the validations without JavaScript, each check carries its severity, and summary.html says
the week's findings per directorate in Arabic and French."""

import re
import shutil
import subprocess

import pandas as pd
import pytest

from nashra.periods import Period
from schemas.quality import PERIOD_CHECKS, TREND_CHECKS
from tasks.evaluation.cross_checks import Finding
from tasks.evaluation.expectations import validate_facts
from tasks.outputs.quality_summary import write_quality_summary

P = Period.parse("2026-W47")
NO_CHROMIUM = "Debian's chromium is not installed (make system-packages)"
REMOTE = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//""", re.IGNORECASE)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Data Docs of a week where FES has a warning (W1) and MEK an error (E1)."""
    folder = tmp_path_factory.mktemp("validation")
    facts = pd.DataFrame({c.column: 0.0 for c in PERIOD_CHECKS + TREND_CHECKS}, index=["FES", "MEK"])
    facts.loc["FES", "w1"], facts.loc["MEK", "quarantine_share"] = 2, 0.8
    failures = validate_facts(
        facts.rename_axis("code"), PERIOD_CHECKS + TREND_CHECKS, "quality-2026-W47", docs_dir=folder
    )
    assert {(f.code, f.severity) for f in failures} == {("W1", "warning"), ("E1", "error")}
    return folder


def test_no_page_of_the_report_refers_to_another_machine(site):
    pages = [*site.rglob("*.html"), *site.rglob("*.css")]
    assert pages
    remote = {p.name: REMOTE.findall(p.read_text(encoding="utf-8")) for p in pages}
    assert {name: found for name, found in remote.items() if found} == {}


def test_each_check_carries_its_severity_and_the_page_says_what_failed_means(site):
    [page] = (site / "validations").rglob("*.html")
    text = page.read_text(encoding="utf-8")
    assert "W1 (warning / avertissement)" in text and "E1 (error / erreur)" in text
    assert "1 erreur(s)" in text and "1 avertissement(s)" in text and "1 خطأ" in text


@pytest.mark.skipif(
    shutil.which("chromium") is None, reason="Debian's chromium is not installed (make system-packages)"
)
def test_opened_with_the_network_blocked_the_index_lists_the_validations(site):
    blocked = ["--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9", "--no-proxy-server=false"]
    command = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", *blocked, "--dump-dom"]
    dom = subprocess.run([*command, (site / "index.html").as_uri()], capture_output=True, text=True, timeout=120).stdout
    listed = re.findall(r'<ul id="validations">(.*?)</ul>', dom, re.S)
    assert listed and "quality-2026-W47" in listed[0] and 'href="validations/' in listed[0]
    [page] = (site / "validations").rglob("*.html")
    dom = subprocess.run([*command, page.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert "more than half of a file's rows quarantined" in dom  # the checks are in the page itself


def test_the_summary_page_says_each_finding_its_severity_and_what_to_do(tmp_path, reference):
    findings = [
        Finding("W1", "FES", 2, ("ligne 342 : VHCFES00315",)),
        Finding("E1", "MEK", 1, ("exam_results : 80 % en quarantaine",), severity="error"),
    ]
    text = write_quality_summary(tmp_path, findings, reference, P).read_text(encoding="utf-8")
    assert text.index("Meknès") < text.index("Fès")  # errors first
    assert "erreur : chiffres provisoires" in text and "avertissement" in text and "تنبيه" in text
    assert "pas classée d" in text and "vérifier les lignes en cause" in text
    assert "ligne 342 : VHCFES00315" in text and "<script" not in text and "http" not in text
    empty = write_quality_summary(tmp_path, [], reference, P).read_text(encoding="utf-8")
    assert "Aucun constat cette semaine" in empty
