"""Request bodies in JSON: whatever a client sends is either parsed or a 400, never a 500.

Flask's JSON loading turns a ``ValueError`` into 400 (or ``None`` with ``silent=True``). Three inputs
escaped that and failed later, deep in a view or the database driver: nesting deep enough to exhaust
the parser's recursion (``RecursionError``), integers past 64 bits (the driver's ``OverflowError``) and
unpaired UTF-16 surrogates (``\\ud800``, which no database text column can encode). Each is now a
``ValueError`` at parse time.
"""

import json

from flask.json.provider import DefaultJSONProvider

INT64 = 2**63 - 1
MAX_DEPTH = 64  # far more than any body this API accepts


def _bounded_int(text: str) -> int:
    number = int(text)
    if abs(number) > INT64:
        raise ValueError("integer outside the 64-bit range")
    return number


def _check(value, depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        raise ValueError("JSON nested too deeply")
    if isinstance(value, str):
        value.encode("utf-8")  # UnicodeEncodeError (a ValueError) for an unpaired surrogate
    elif isinstance(value, dict):
        for key, item in value.items():
            key.encode("utf-8")
            _check(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check(item, depth + 1)


class SafeJSONProvider(DefaultJSONProvider):
    def loads(self, s, **kwargs):
        try:
            value = json.loads(s, parse_int=_bounded_int, **kwargs)
        except RecursionError as error:
            raise ValueError("JSON nested too deeply") from error
        _check(value)
        return value
