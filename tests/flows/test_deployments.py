"""prefect.yaml's deployments point at flows that exist, with parameters those flows take: a typo
there would only show on the server, at the first scheduled run."""

from __future__ import annotations

import pytest
import yaml
from prefect.flows import load_flow_from_entrypoint

from nashra.paths import PROJECT_ROOT

DEPLOYMENTS = yaml.safe_load((PROJECT_ROOT / "prefect.yaml").read_text(encoding="utf-8"))["deployments"]


@pytest.mark.parametrize("deployment", DEPLOYMENTS, ids=[d["name"] for d in DEPLOYMENTS])
def test_each_deployment_s_flow_loads_and_takes_its_parameters(deployment, monkeypatch):
    monkeypatch.chdir(PROJECT_ROOT)
    flow = load_flow_from_entrypoint(deployment["entrypoint"])
    declared = set(flow.parameters.model_dump()["properties"])
    assert set(deployment.get("parameters", {})) <= declared
    for schedule in deployment.get("schedules", []):
        assert schedule["timezone"] == "Africa/Casablanca" and len(schedule["cron"].split()) == 5
