"""An identification world we did not tune to (issue 15, item 7).

Real office supplies (catalogue.csv, source per item), three scale classes whose real σ and
drift differ from the data sheet, settling tails flagged stable, RFID rounds that miss tags,
foreign objects, swaps, items moved between slots and put-backs. The engine is reached only
through `engine.py`; `runner.py` scores its verdicts against the generator's truth.
"""
