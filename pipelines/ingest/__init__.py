"""Ingest: read contract files in any listed format into lineage-stamped raw tables."""
