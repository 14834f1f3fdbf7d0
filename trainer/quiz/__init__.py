"""Quizzes and exams: practice quizzes per module, timed exams from blueprints, question-bank
import/export (Excel, GIFT), item analysis, and spaced-repetition daily review."""
