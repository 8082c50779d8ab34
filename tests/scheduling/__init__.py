"""Scheduling and delivery: decider, delivery claims, runner, real `newsbrief run` processes."""
