"""The benchmarks are not run by the tests (they take minutes), but they must still load: a
name moved elsewhere once broke them unnoticed."""

import importlib

import pytest

from nashra.paths import PROJECT_ROOT

MODULES = sorted(
    f"benchmarks.{path.stem}" for path in (PROJECT_ROOT / "benchmarks").glob("*.py") if path.stem != "__init__"
)


@pytest.mark.parametrize("module", MODULES)
def test_each_benchmark_module_loads(module):
    assert importlib.import_module(module)
