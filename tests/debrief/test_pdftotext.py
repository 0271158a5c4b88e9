"""The PDF report read by poppler's ``pdftotext``, as a reader's PDF tool sees it: the Korean project name and
Korean labels come out as text. Marked ``poppler``: ``make test`` leaves it out (it needs poppler-utils);
``make test-poppler``, run by ``.ci/run`` after installing poppler-utils, runs it. Everything else about the PDF
is tested with pypdf in ``test_report.py``."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.debrief.builders import KOREAN_NAME, full_project

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.poppler,
    # On CI a missing pdftotext is a failure (the test must run); elsewhere it is a skip.
    pytest.mark.skipif(
        shutil.which("pdftotext") is None and not os.environ.get("CI"), reason="pdftotext (poppler-utils) missing"
    ),
]


def test_pdftotext_shows_the_korean_project_name(world, api, tmp_path):
    full_project(world)
    world.lead.language = "ko"
    world.lead.save(update_fields=["language"])
    response = api(world.lead).get("/api/v1/projects/ACME/report/", {"format": "pdf"})
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert KOREAN_NAME in text
    assert "하이퍼케어" in text  # a translated phase name
