"""Post generation: per-kind German templates (templates.py), exact per-platform length
counting (counting.py) and assembly of the final variant text (build.py)."""
