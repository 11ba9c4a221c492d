"""Great Expectations over the facts of a period (one row per directorate): each check of
`schemas/quality.py` is one expectation carrying its code and severity; the Data Docs of the
run's period are built from the same suite. GX is imported here only, when a period is judged.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from schemas.quality import ERROR, WARNING, QualityCheck
from tasks.evaluation.docs_offline import make_offline

SEVERITY_WORDS = {WARNING: "warning / avertissement", ERROR: "error / erreur"}
_gx_lock = threading.Lock()  # GX contexts are not meant to be built from several threads at once
_import_lock = threading.Lock()
# Imported by GX for expectations Nashra does not use (KS tests, KL divergence).
NOT_USED_BY_OUR_CHECKS = ("scipy.stats",)


@dataclass(frozen=True)
class Failure:
    """One directorate failing one check."""

    code: str
    severity: str
    directorate: str
    value: float


# validate_facts, or what runs it elsewhere (the flow: in the process where GX is loaded).
Validator = Callable[..., list[Failure]]


def preload() -> None:
    """Import Great Expectations (about 2 s of CPU): the flow has it done while the directorates
    are read, so the import is not on the run's critical path."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    with _import_lock:
        if "great_expectations" not in sys.modules:
            _load_on_first_use(NOT_USED_BY_OUR_CHECKS)
        import great_expectations  # noqa: F401


def _load_on_first_use(names: tuple[str, ...]) -> None:
    """Modules that GX imports when it is imported, but that only other expectations than ours
    call, loaded when first used instead (Python's `LazyLoader`): 1.1-1.3 s of CPU of every run
    here. One that is used after all is loaded then, as it would have been."""
    for name in names:
        try:
            spec = None if name in sys.modules else importlib.util.find_spec(name)
        except ModuleNotFoundError:  # its package is not installed: GX will say so itself if it needs it
            continue
        if spec is None or spec.loader is None:
            continue
        spec.loader = importlib.util.LazyLoader(spec.loader)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        parent, _, child = name.rpartition(".")
        if parent:  # so that `from scipy import stats` finds it without importing it again
            setattr(sys.modules[parent], child, module)


def validate_facts(
    facts: pd.DataFrame,
    checks: tuple[QualityCheck, ...],
    suite: str,
    *,
    docs_dir: Path | None = None,
    run_time: datetime | None = None,
) -> list[Failure]:
    """Run the suite of `checks` on `facts` (one row per directorate, index = code) with GX.

    With `docs_dir`, the validation is also written as Data Docs in that folder.
    """
    if facts.empty:
        return []
    preload()
    from great_expectations.core.run_identifier import RunIdentifier

    # GX announces each ephemeral Data Docs folder at INFO: noise in every run's output.
    logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.WARNING)
    with _gx_lock:
        checkpoint = _checkpoint(checks, suite, docs_dir)
        # A fixed run time (the period's as-of date) keeps the Data Docs paths the same on re-runs.
        run_id = RunIdentifier(run_name=suite, run_time=run_time) if run_time else None
        frame = facts.rename_axis("directorate").reset_index()
        result = checkpoint.run(batch_parameters={"dataframe": frame}, run_id=run_id)
    failures = _failures(result)
    if docs_dir is not None:
        make_offline(docs_dir, verdict(failures))  # opened on a machine without internet: nothing fetched
    return failures


def verdict(failures: list[Failure]) -> str:
    """What the week's checks come to, by severity — GX says « Failed » as soon as one check
    fails, a warning as much as an error."""
    errors = sum(f.severity == ERROR for f in failures)
    warnings = len(failures) - errors
    return (
        f"Nashra : {errors} erreur(s) (chiffres provisoires, direction non classée), {warnings} avertissement(s) "
        f"(signalés, sans effet sur le classement) — نشرة: {errors} خطأ، {warnings} تنبيه. "
        "GX affiche « Failed » dès qu'une attente échoue, quelle que soit sa gravité."
    )


def _checkpoint(checks: tuple[QualityCheck, ...], suite: str, docs_dir: Path | None):
    """An ephemeral GX context with one expectation per check (its code and severity in `meta`)."""
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.expectations.metadata_types import FailureSeverity  # shown in the docs

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
                description=f"{check.code} ({SEVERITY_WORDS[check.severity]}): {check.description}",
                meta={"code": check.code, "severity": check.severity},
                severity=FailureSeverity.CRITICAL if check.severity == ERROR else FailureSeverity.WARNING,
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
        context.add_data_docs_site(site_name="nashra", site_config=site)  # type: ignore[arg-type]
        actions = [gx.checkpoint.UpdateDataDocsAction(name="data-docs", site_names=["nashra"])]
    return context.checkpoints.add(
        gx.Checkpoint(
            name=suite,
            validation_definitions=[validation],
            actions=actions,  # type: ignore[arg-type]
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": ["directorate"]},
        )
    )


def _failures(result) -> list[Failure]:
    failures = []
    for validation_result in result.run_results.values():
        for outcome in validation_result.results:
            config = outcome.expectation_config
            assert config is not None  # GX gives each result its expectation
            meta, column = config.meta, config.kwargs["column"]
            for hit in outcome.result.get("unexpected_index_list") or []:
                failures.append(Failure(meta["code"], meta["severity"], hit["directorate"], float(hit[column])))
    return sorted(failures, key=lambda f: (f.code, f.directorate))
