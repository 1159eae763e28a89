"""Deterministic sample exports of a province that looks like Lạng Sơn (see README.md)."""
