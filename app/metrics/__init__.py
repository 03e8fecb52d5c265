"""Prometheus metrics of every process kind (web app, job worker, device gateway): what is
counted is defined once in `registry.py`; `observe.py` is what the rest of the code calls;
`exposition.py` serves them (docs/operations.md)."""
