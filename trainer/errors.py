"""Errors raised by services. Views turn them into messages (pages) or 4xx (API).

Every error carries a message in Chinese for the user; ``detail`` is a precise English note for logs/CLI.
"""


class TrainerError(Exception):
    status_code = 400

    def __init__(self, message: str, detail: str | None = None):
        super().__init__(message)
        self.message = message
        self.detail = detail or message


class ValidationFailed(TrainerError):
    status_code = 400


class NotFound(TrainerError):
    status_code = 404


class Forbidden(TrainerError):
    status_code = 403


class Conflict(TrainerError):
    status_code = 409


class TooMany(TrainerError):
    status_code = 429


class StorageFull(TrainerError):
    """The disk (or quota) refused a write: nothing was saved, the user may try again later."""

    status_code = 507
