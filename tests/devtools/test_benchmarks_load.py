"""The benchmarks are not run by the tests (they take minutes), but they must still load: a
name moved elsewhere once broke them unnoticed."""

import importlib

import pytest


@pytest.mark.parametrize("module", ["benchmarks.run", "benchmarks.generate", "benchmarks.paired", "benchmarks.bare"])
def test_each_benchmark_module_loads(module):
    assert importlib.import_module(module)
