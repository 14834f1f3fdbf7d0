"""What a new password must be: long enough, not on the common-password list, not built on the username.

The list (``common_passwords.txt``, about 8,000 entries) is vendored so the check needs no network.
"""

from functools import cache
from pathlib import Path

from trainer.errors import ValidationFailed

MIN_LENGTH = 8
MAX_LENGTH = 128
LIST = Path(__file__).with_name("common_passwords.txt")


@cache
def common_passwords() -> frozenset[str]:
    lines = LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def check_new_password(password: str, username: str) -> None:
    """:class:`ValidationFailed` with the reason in Chinese, or nothing for an acceptable password."""
    if len(password) < MIN_LENGTH or len(password) > MAX_LENGTH:
        raise ValidationFailed(f"新密码至少 {MIN_LENGTH} 位,最多 {MAX_LENGTH} 位。", "password length")
    lowered = password.lower()
    name = username.strip().lower()
    if name and (name in lowered or lowered in name):
        raise ValidationFailed("密码不能包含用户名。", "password contains the username")
    if lowered in common_passwords() or len(set(lowered)) < 3:
        raise ValidationFailed("这个密码太常见,很容易被猜中,请换一个。", "password on the common-password list")
