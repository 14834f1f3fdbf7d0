"""Learning paths and assignments: onboarding, assigned training with due dates, reminders."""
