"""``db_int``: the ``type=`` for ids and numbers read from query strings and forms.

``request.args.get("unit", type=int)`` accepts any size of integer, and a value past the database's
32-bit INTEGER then fails inside the driver (a 500 on PostgreSQL). With ``type=db_int`` such a value is
treated like any other malformed one: ``get`` returns the default.
"""

INT_MIN, INT_MAX = -(2**31), 2**31 - 1


def db_int(value) -> int:
    number = int(value)
    if not INT_MIN <= number <= INT_MAX:
        raise ValueError(f"{value!r} is outside the database integer range")
    return number
