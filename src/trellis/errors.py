"""Domain errors. No HTTP here: the web layer maps each class to a status code in one place,
and the CLI prints the message and exits non-zero."""

from __future__ import annotations


class TrellisError(Exception):
    """Base class of every expected failure. ``str(err)`` is a message a person can act on."""

    def __init__(self, message: str, *, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: list[str] = details or []

    def __str__(self) -> str:
        if not self.details:
            return self.message
        return self.message + "\n" + "\n".join(f"  {d}" for d in self.details)


class NotFound(TrellisError):
    """A referenced thing does not exist."""


class Conflict(TrellisError):
    """The request clashes with the current state (duplicate, stale version, wrong status)."""


class Invalid(TrellisError):
    """Input that fails validation: bad file, bad field, unknown skill, cycle in a tree."""


class Forbidden(TrellisError):
    """The actor may not do this."""


class Unavailable(TrellisError):
    """A dependency (database, model) is not reachable right now; try again later."""


class Unauthenticated(TrellisError):
    """No valid session or token: the person must sign in first."""


class RateLimited(TrellisError):
    """Too many attempts in a short time; try again later."""
