"""Prefect flows: wiring only; the rules live in `tasks/` and `schemas/`."""
