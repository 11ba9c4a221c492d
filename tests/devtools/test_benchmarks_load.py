"""The benchmarks are not run by the tests (they take minutes), but they must still load: a
name moved elsewhere once broke them unnoticed. Each command module (`python -m benchmarks.X`)
must also still have the `main` its `__main__` block calls."""

import ast
import importlib

import pytest

from nashra.paths import PROJECT_ROOT

PATHS = sorted(path for path in (PROJECT_ROOT / "benchmarks").glob("*.py") if path.stem != "__init__")


def runs_as_a_command(source: str) -> bool:
    """The module ends in `if __name__ == "__main__":` (it is run with `python -m`)."""
    return any(isinstance(node, ast.If) and "__main__" in ast.unparse(node.test) for node in ast.parse(source).body)


@pytest.mark.parametrize("path", PATHS, ids=lambda path: path.stem)
def test_each_benchmark_module_loads_and_a_command_has_its_main(path):
    module = importlib.import_module(f"benchmarks.{path.stem}")  # an ImportError fails the test
    if runs_as_a_command(path.read_text(encoding="utf-8")):
        assert callable(getattr(module, "main", None)), f"{path.name} is run as a command but has no main()"


def test_the_commands_are_found():
    commands = [path.stem for path in PATHS if runs_as_a_command(path.read_text(encoding="utf-8"))]
    assert {"run", "versus", "paired"} <= set(commands)
