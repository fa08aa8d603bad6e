"""Why an upload was rejected: a stable machine-readable reason and a message for humans."""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    EMPTY_FILE = "EMPTY_FILE"
    TOO_LARGE = "TOO_LARGE"
    SIZE_MISMATCH = "SIZE_MISMATCH"
    PLAYLIST = "PLAYLIST"
    CONCAT_LIST = "CONCAT_LIST"
    NOT_MEDIA = "NOT_MEDIA"
    UNSUPPORTED_FORMAT = "UNSUPPORTED_FORMAT"
    UNSUPPORTED_CODEC = "UNSUPPORTED_CODEC"
    TOO_LONG = "TOO_LONG"
    DIMENSIONS_TOO_LARGE = "DIMENSIONS_TOO_LARGE"
    TOO_MANY_STREAMS = "TOO_MANY_STREAMS"
    WORK_BUDGET_EXCEEDED = "WORK_BUDGET_EXCEEDED"
    UNDECODABLE = "UNDECODABLE"
    IMPORT_FAILED = "IMPORT_FAILED"


class Rejected(Exception):
    """The file is not acceptable; the asset becomes ``rejected`` with this reason."""

    def __init__(self, reason: Reason, message: str) -> None:
        super().__init__(f"{reason}: {message}")
        self.reason = reason
        self.message = message
