"""Ingest: read contract files in any listed format, land them in memory with lineage, validate and stage them."""
