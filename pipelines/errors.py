"""Errors a steward can act on: Vietnamese first, English too, never a traceback."""

from __future__ import annotations


class InputError(Exception):
    """Something in the inbox the steward must fix; carries both languages."""

    def __init__(self, vi: str, en: str, file: str | None = None):
        self.vi, self.en, self.file = vi, en, file
        super().__init__(f"{vi} / {en}")

    def __str__(self) -> str:
        where = f"[{self.file}] " if self.file else ""
        return f"{where}{self.vi}\n    ({self.en})"
