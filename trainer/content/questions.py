"""Question types as content validation sees them: each type's validator and label, from the registry
(trainer/question_types)."""

from trainer.question_types import BLANK, each

QUESTION_VALIDATORS = each("validate")  # (reader, path, QuestionDef) -> None
QUESTION_TYPE_LABELS = each("label")

__all__ = ["BLANK", "QUESTION_TYPE_LABELS", "QUESTION_VALIDATORS"]
