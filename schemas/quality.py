"""Dataset-level quality checks (SPEC §3 and plausibility), as Great Expectations suites.

pandera checks each row of a file (`schemas/contracts.py`); what needs a whole dataset -- two
files, several directorates, earlier weeks -- is measured per directorate by
`tasks/quality.py` into a small table of facts, one row per directorate, and judged here by
GX expectations, one per check. A check's severity is in its expectation's `meta`: a
*warning* is reported; an *error* makes the directorate's figures provisional and leaves it
out of the ranking. Data Docs of the run's period are built from the same suites.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

WARNING, ERROR = "warning", "error"


@dataclass(frozen=True)
class QualityCheck:
    code: str
    column: str  # the fact measured per directorate
    max_value: float  # the fact must stay at or below this
    severity: str
    description: str


# Checks on a period's own drops: they decide the ranking, so earlier periods use them too.
PERIOD_CHECKS = (
    QualityCheck("W1", "w1", 0, WARNING, "exam voucher not in the directorate's ledger"),
    QualityCheck("W2", "w2", 0, WARNING, "exam voucher in the ledger but not consumed"),
    QualityCheck("W3", "w3", 0, WARNING, "consumed voucher with no exam attempt"),
    QualityCheck("W4", "w4", 0, WARNING, "voucher code in the ledgers of two or more directorates"),
    QualityCheck("W6", "w6", 0, WARNING, "attempt after a pass at the same exam"),
    QualityCheck(
        "P1",
        "consumed_excess",
        0,
        WARNING,
        "more consumed vouchers than exam attempts, beyond 3 or 5 % of the attempts",
    ),
    QualityCheck("E1", "quarantine_share", 0.5, ERROR, "more than half of a file's rows quarantined"),
    QualityCheck(
        "E2",
        "rows_lost_share",
        0.5,
        ERROR,
        "a cumulative file lost more than half of the rows of the last accepted one",
    ),
)
# Checks against the directorate's earlier weeks: reported, never blocking.
TREND_CHECKS = (
    QualityCheck("W5", "w5", 0, WARNING, "a cumulative count is lower than in the previous period"),
    QualityCheck(
        "P2",
        "certification_shift",
        0.25,
        WARNING,
        "certification rate more than 25 points from its median of the previous 4 weeks",
    ),
    QualityCheck(
        "P3",
        "weekly_volume_ratio",
        4,
        WARNING,
        "exams this week more than 4 times the usual weekly volume (median of 4 weeks + 5)",
    ),
)

_gx_lock = threading.Lock()  # GX contexts are not meant to be built from several threads at once


@dataclass(frozen=True)
class Failure:
    code: str
    severity: str
    directorate: str
    value: float


def validate_facts(
    facts: pd.DataFrame,
    checks: tuple[QualityCheck, ...],
    suite: str,
    docs_dir: Path | None = None,
    run_time: datetime | None = None,
) -> list[Failure]:
    """Run the suite of `checks` on `facts` (one row per directorate, index = code) with GX.

    With `docs_dir`, the validation is also written as Data Docs in that folder.
    """
    if facts.empty:
        return []
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.base import ProgressBarsConfig

    # GX announces each ephemeral Data Docs folder at INFO: noise in every run's output.
    logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.WARNING)
    frame = facts.rename_axis("directorate").reset_index()
    with _gx_lock:
        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        batch = context.data_sources.add_pandas("nashra").add_dataframe_asset(suite)
        definition = batch.add_batch_definition_whole_dataframe("period")
        expectations = context.suites.add(gx.ExpectationSuite(name=suite))
        for check in checks:
            expectations.add_expectation(
                gxe.ExpectColumnValuesToBeBetween(
                    column=check.column,
                    max_value=check.max_value,
                    description=f"{check.code}: {check.description}",
                    meta={"code": check.code, "severity": check.severity},
                )
            )
        validation = context.validation_definitions.add(
            gx.ValidationDefinition(name=suite, data=definition, suite=expectations)
        )
        actions = []
        if docs_dir is not None:
            site = {
                "class_name": "SiteBuilder",
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            }
            context.add_data_docs_site(site_name="nashra", site_config=site)
            actions = [gx.checkpoint.UpdateDataDocsAction(name="data-docs", site_names=["nashra"])]
        checkpoint = context.checkpoints.add(
            gx.Checkpoint(
                name=suite,
                validation_definitions=[validation],
                actions=actions,
                result_format={"result_format": "COMPLETE", "unexpected_index_column_names": ["directorate"]},
            )
        )
        # A fixed run time (the period's as-of date) keeps the Data Docs paths the same on re-runs.
        run_id = RunIdentifier(run_name=suite, run_time=run_time) if run_time else None
        result = checkpoint.run(batch_parameters={"dataframe": frame}, run_id=run_id)
    failures = []
    for validation_result in result.run_results.values():
        for outcome in validation_result.results:
            meta = outcome.expectation_config.meta
            column = outcome.expectation_config.kwargs["column"]
            for hit in outcome.result.get("unexpected_index_list") or []:
                failures.append(Failure(meta["code"], meta["severity"], hit["directorate"], float(hit[column])))
    return sorted(failures, key=lambda f: (f.code, f.directorate))
