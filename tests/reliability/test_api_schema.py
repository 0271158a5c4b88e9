"""Schemathesis against the committed ``docs/openapi.yaml``: every operation, fuzzed with generated input (valid
and invalid), by a vendor administrator and by a customer member, answers anything but a 5xx. The server is the
production profile (gunicorn, PostgreSQL) with a seeded project whose key every ``{key}`` takes, so the routes
below it are reached instead of answering 404."""

from __future__ import annotations

import os
import subprocess
import xml.etree.ElementTree as ET

import pytest
import yaml

from tests.reliability.servers import BIN, REPO

pytestmark = pytest.mark.reliability

SCHEMA = REPO / "docs" / "openapi.yaml"
METHODS = {"get", "put", "post", "patch", "delete", "head", "options", "trace"}
# Examples per operation: enough to reach every field with bad values, small enough for CI (~1 minute per role).
MAX_EXAMPLES = {"admin": 10, "customer_member": 4}


def schema_operations() -> set[str]:
    paths = yaml.safe_load(SCHEMA.read_text())["paths"]
    return {f"{method.upper()} {path}" for path, item in paths.items() for method in item if method in METHODS}


@pytest.fixture(scope="module")
def fuzz_tokens(gunicorn_instance):
    tokens = gunicorn_instance.call("seed", key="FUZZ", kickoff_ready=True)["tokens"]
    # Issue 1 exists, so the issue routes (``{number}`` is fixed to 1) work on a real issue.
    status, _ = gunicorn_instance.request(
        "POST", "/api/v1/projects/FUZZ/issues/", {"title": "Fuzzed issue"}, token=tokens["admin"]
    )
    assert status == 201
    return tokens


@pytest.mark.parametrize("role", ["admin", "customer_member"])
def test_no_operation_answers_a_server_error(gunicorn_instance, fuzz_tokens, role, tmp_path):
    (tmp_path / "schemathesis.toml").write_text('[parameters]\n"path.key" = "FUZZ"\n"path.number" = 1\n')
    junit = tmp_path / "junit.xml"
    command = [
        str(BIN / "st"),
        "--config-file",
        str(tmp_path / "schemathesis.toml"),
        "run",
        str(SCHEMA),
        "--url",
        f"http://127.0.0.1:{gunicorn_instance.port}",
        "--header",
        f"Authorization: Token {fuzz_tokens[role]}",
        "--checks",
        "not_a_server_error",
        "--phases",
        "examples,fuzzing",
        "--max-examples",
        str(MAX_EXAMPLES[role]),
        "--workers",
        "4",
        "--seed",
        os.environ.get("GOLIVE_RELIABILITY_FUZZ_SEED", "9"),
        "--generation-database",
        "none",
        "--request-timeout",
        "60",
        "--report",
        "junit",
        "--report-junit-path",
        str(junit),
        "--no-color",
    ]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    output = done.stdout[-20000:] + done.stderr[-5000:]
    assert junit.exists(), output

    cases = ET.parse(junit).getroot().iter("testcase")
    tested, failed = set(), []
    for case in cases:
        if case.find("skipped") is None:
            tested.add(case.get("name"))
        if case.find("failure") is not None or case.find("error") is not None:
            failed.append(case.get("name"))
    assert not failed, f"server errors in {failed}:\n{output}\n--- server log ---\n{gunicorn_instance.log()}"
    assert done.returncode == 0, output
    assert tested == schema_operations(), f"operations not tested: {sorted(schema_operations() - tested)}\n{output}"
