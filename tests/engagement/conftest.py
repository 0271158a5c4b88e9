"""Fixtures of the engagement tests."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from tests.engagement.builders import engagement_counts


@pytest.fixture
def unchanged(nothing_written):
    """``with unchanged(): ...`` fails when the block wrote a requirement, meeting, feedback, decision or any row
    that ``nothing_written`` watches (audit events included)."""

    @contextmanager
    def check():
        before = engagement_counts()
        with nothing_written():
            yield
        assert engagement_counts() == before, "a refused request wrote engagement rows"

    return check
