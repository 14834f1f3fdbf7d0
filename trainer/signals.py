"""Events that cross feature boundaries. Senders don't know who listens (the hours ledger,
qualifications, assignments), so features can land in any order.

Every signal is sent with the acting ``user`` (a User) as sender and keyword arguments:
- ``module_completed``: module (Module), completed_at (naive UTC datetime).
  Sent when a module is complete: all its sections read and its quiz passed (or it has no quiz).
- ``section_read``: section (Section), read_at (naive UTC datetime). Sent the first time a person marks a
  section read; module completion (trainer/quiz/completion.py) listens.
- ``scenario_passed``: scenario (Scenario), score (int), attempt_id (int), passed_at (naive UTC datetime).
- ``quiz_submitted``: attempt (QuizAttempt, exam or chapter quiz, graded), submitted_at (naive UTC datetime).
  Sent once per attempt, when it is submitted (by the learner or at its deadline), before ``module_completed``.
- ``exam_passed``: exam_key (str), score (int), attempt_id (int), passed_at (naive UTC datetime).
- ``user_created``: account (User, flushed so it has an id), created_at (naive UTC datetime). Sender: the
  admin who created it, or None (staff import from the command line). Sent by the admin form and staff import.
- ``notices_posted``: notices (list of (User, title, sentence)), now (naive UTC). Sender: the acting user, or
  None (the reminder run). Sent in the transaction that created the in-app notices, for other channels
  (group robots) to announce them in the same transaction.
- ``notices_committed``: now. Sender None. Sent by the reminder run after it committed its notices, for other
  channels to deliver what they queued.
Receivers must be idempotent: a signal may be sent again for the same event (retries, re-grading).
"""

from blinker import Namespace

_signals = Namespace()

module_completed = _signals.signal("module-completed")
section_read = _signals.signal("section-read")
scenario_passed = _signals.signal("scenario-passed")
exam_passed = _signals.signal("exam-passed")
quiz_submitted = _signals.signal("quiz-submitted")
user_created = _signals.signal("user-created")
notices_posted = _signals.signal("notices-posted")
notices_committed = _signals.signal("notices-committed")
