"""The national roll-up: the academies' weekly results put side by side, ranked the same way."""
