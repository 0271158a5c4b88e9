"""Domain errors raised by services; the API turns them into HTTP answers (see ``golive.api``)."""

from __future__ import annotations


class DomainError(Exception):
    """A rule refuses the action (HTTP 409). ``criteria`` lists failing gate criteria when relevant."""

    def __init__(self, message: str, *, criteria: list[dict] | None = None):
        super().__init__(message)
        self.message = message
        self.criteria = criteria


class TransitionRefused(DomainError):
    """A state machine refuses a move from the current state."""


class GateFailed(DomainError):
    """A gate's criteria do not pass; ``criteria`` holds the whole evaluation."""


class NotAllowed(Exception):
    """The caller may see the object but lacks the role for this action (HTTP 403)."""
