"""Scheduling and delivery: the decider, delivery claims, the runner, real `newsbrief run` processes."""
