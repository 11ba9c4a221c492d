"""The steps of the weekly flow, as plain functions over frames and dataclasses."""
