"""Domain errors carry a code and values; the caller turns them into words."""

from __future__ import annotations

from mentoring.i18n import N_, Translator


class DomainError(Exception):
    """A request the domain refuses, e.g. `DomainError("unknown_group", group="Nar-3")`."""

    def __init__(self, code: str, **values: object) -> None:
        super().__init__(code)
        self.code = code
        self.values = values

    def __str__(self) -> str:
        details = ", ".join(f"{key}={value!r}" for key, value in self.values.items())
        return f"{self.code} ({details})" if details else self.code


_MESSAGES = {
    "empty_name": N_("The name is empty."),
    "ends_before_start": N_("The end date is before the start date."),
    "unknown_timezone": N_("Unknown time zone: {timezone} (use a name such as Europe/Istanbul)."),
    "programme_exists": N_("A programme named {name} already exists."),
    "group_exists": N_("Programme {programme} already has a group named {group}."),
    "unknown_province": N_("Unknown province: {province}."),
    "unknown_programme": N_("No programme with the id or name {programme}."),
    "unknown_group": N_("Programme {programme} has no group with the id or name {group}."),
    "group_required": N_("A {role} invite needs a group."),
    "coordinator_invite_has_group": N_("A coordinator invite is for a programme, not a group."),
    "group_not_in_programme": N_("That group belongs to another programme."),
    "max_uses_positive": N_("The number of uses must be at least 1."),
}


def describe_error(tr: Translator, error: DomainError) -> str:
    """The error in the reader's language."""
    template = _MESSAGES.get(error.code)
    if template is None:
        return str(error)
    values = dict(error.values)
    values.setdefault("group", values.get("name", ""))
    return tr.gettext(template).format(**values)
