"""Content files (courses, question banks, scenarios): parse and validate. Pure: no Flask, no database."""

from trainer.content.loader import ContentError, ContentSet, load_content, load_scenario_file

__all__ = ["ContentError", "ContentSet", "load_content", "load_scenario_file"]
