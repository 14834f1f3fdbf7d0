"""Fixtures shared by the quiz service tests."""

import pytest

from trainer.signals import exam_passed


@pytest.fixture
def trainee(people, content):
    return people["trainee_east"]


@pytest.fixture
def passed_signals():
    received = []

    def receiver(sender, **kwargs):
        received.append((sender, kwargs))

    exam_passed.connect(receiver)
    yield received
    exam_passed.disconnect(receiver)
