"""Errors the domain raises: each says what is wrong and how to put it right."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class FairfieldsError(Exception):
    """Base of every error the app expects and shows to a person (not a bug)."""

    exit_code = 1


@dataclass(frozen=True)
class Problem:
    """One problem with input: where it is (a field, a JSON path or a line) and what to do."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class InvalidInput(FairfieldsError):
    """Input data that cannot be accepted; carries every problem found (exit 4)."""

    exit_code = 4

    def __init__(self, problems: list[Problem] | Problem, summary: str = "") -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        text = summary or "; ".join(str(p) for p in self.problems)
        super().__init__(text)


class NotAllowed(FairfieldsError):
    """The acting user may not do this, a password is wrong, or a secret is missing (exit 5)."""

    exit_code = 5


class Refused(FairfieldsError):
    """Refused by a rule or a booking conflict (exit 3)."""

    exit_code = 3

    def __init__(self, message: str, reasons: list[Any] | None = None) -> None:
        super().__init__(message)
        self.reasons = reasons or []


class NotFound(FairfieldsError):
    """A record named by the user does not exist (treated as invalid input, exit 4)."""

    exit_code = 4


class StaleRecord(FairfieldsError):
    """Someone else saved the record since it was opened: reload before saving (exit 3)."""

    exit_code = 3


class Cancelled(FairfieldsError):
    """The person cancelled long work; everything it did was rolled back."""

    exit_code = 1
