"""Moved to :mod:`trainer.inserts`; kept as a re-export while concurrent work on quiz still imports it from here."""

from trainer.inserts import INSERTS, insert_ignore, insert_ignore_many

__all__ = ["INSERTS", "insert_ignore", "insert_ignore_many"]
