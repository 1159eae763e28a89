"""Dagster definitions, loaded by pipelines.definitions from this folder."""
