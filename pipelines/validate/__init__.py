"""Validate: Great Expectations suites (expectations/*.json) run on each file's typed rows."""
