"""Index: registry, evidence extraction, rubric, DuckDB store and reports."""
