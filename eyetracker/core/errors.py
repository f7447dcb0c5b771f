"""The root of errors a user can cause and fix: each message is one actionable sentence."""

from __future__ import annotations


class UserError(Exception):
    """An error whose message tells the user what to do; the CLI prints it and exits non-zero."""
