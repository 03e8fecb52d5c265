"""The cabinet simulator: `python -m hardware.simulator --help` (docs/simulator.md)."""
