"""Domain errors carry a code and values; mentoring/refusals.py words each code once."""

from __future__ import annotations


class DomainError(Exception):
    """A request the domain refuses, e.g. `DomainError("unknown_group", group="Nar-3")`."""

    def __init__(self, code: str, **values: object) -> None:
        super().__init__(code)
        self.code = code
        self.values = values

    def __str__(self) -> str:
        details = ", ".join(f"{key}={value!r}" for key, value in self.values.items())
        return f"{self.code} ({details})" if details else self.code
