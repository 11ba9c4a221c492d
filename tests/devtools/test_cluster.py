"""Which worker ran which academy run, read from the workers' logs (the national tests and
`make national-demo` rely on it)."""

from devtools.cluster import runs_taken

RUN = "c0f5288b-5f7c-45e0-a8d6-f21e9aa39613"
OTHER = "bd3fbc9a-4cfe-4636-8fc8-65a0cf783311"


def test_a_run_both_workers_began_to_submit_belongs_to_the_one_the_server_let_have_it():
    """Lines as Prefect 3.9's process workers print them, both polling the pool every second."""
    loser = (
        f"04:47:54.039 | INFO    | prefect.flow_runs.worker - Worker 'w1' submitting flow run '{RUN}'\n"
        f"04:47:54.210 | INFO    | prefect.flow_runs.worker - Aborted submission of flow run '{RUN}'. "
        "Server sent an abort signal: This run is in a PENDING state and cannot transition to a PENDING state.\n"
        f"04:48:10.002 | INFO    | prefect.flow_runs.worker - Worker 'w1' submitting flow run '{OTHER}'\n"
    )
    winner = (
        f"04:47:53.998 | INFO    | prefect.flow_runs.worker - Worker 'w2' submitting flow run '{RUN}'\n"
        f"04:47:58.107 | INFO    | Flow run 'weekly-2026-W47' - View at http://127.0.0.1:40691/runs/flow-run/{RUN}\n"
    )
    assert runs_taken(loser) == {OTHER}
    assert runs_taken(winner) == {RUN}
    assert runs_taken("") == set()
