"""Security headers on every kind of answer (page, API, static file, error), the session cookie's settings, the
HTTPS switch, and templates that the Content-Security-Policy does not break (no inline style or script)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

from golive.web.middleware import CONTENT_SECURITY_POLICY
from golive.web.templatetags.golive import pct
from tests.factories import PASSWORD

SRC = Path(__file__).resolve().parents[2] / "src" / "golive"

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def _assert_secure_headers(response):
    assert response["Content-Security-Policy"] == POLICY
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in permissions


def test_the_policy_is_the_documented_one():
    assert CONTENT_SECURITY_POLICY == POLICY


def test_headers_on_a_page_an_api_answer_a_static_file_and_an_error(world):
    client = Client()
    assert client.login(username="lead", password=PASSWORD)
    for url, status in [
        ("/", 200),
        ("/projects/ACME/", 200),
        ("/login/", 200),
        ("/api/v1/me/", 200),
        ("/api/v1/projects/NOPE/", 404),
        ("/static/golive/golive.css", 200),
        ("/healthz", 200),
        ("/no-such-page/", 404),
    ]:
        response = client.get(url)
        assert response.status_code == status, url
        _assert_secure_headers(response)
    assert client.get("/static/golive/golive.css")["Content-Type"].startswith("text/css")


def test_headers_on_an_anonymous_api_refusal(world):
    response = Client().get("/api/v1/projects/")
    assert response.status_code == 401
    _assert_secure_headers(response)


def test_session_cookie_is_lax_httponly_and_lasts_the_session_hours(world):
    client = Client()
    response = client.post("/login/", {"username": "lead", "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["samesite"] == "Lax" and cookie["httponly"]
    assert int(cookie["max-age"]) == 12 * 3600
    assert not cookie["secure"]  # plain HTTP by default (embedded mode)
    csrf = client.get("/login/").cookies.get("csrftoken") or client.cookies["csrftoken"]
    assert csrf["samesite"] == "Lax"


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_https_redirects_plain_http_except_healthz_and_sends_hsts(world):
    client = Client()
    response = client.get("/login/")
    assert response.status_code == 301 and response["Location"] == "https://testserver/login/"
    assert client.get("/healthz").status_code == 200  # load balancers probe over plain HTTP
    secure = client.get("/login/", secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_behind_a_proxy_its_forwarded_protocol_counts(world):
    assert Client().get("/login/", HTTP_X_FORWARDED_PROTO="https").status_code == 200
    assert Client().get("/login/", HTTP_X_FORWARDED_PROTO="http").status_code == 301


SETTINGS_PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({name: getattr(settings, name) for name in [
    "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
    "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_AGE", "SECURE_REDIRECT_EXEMPT", "GOLIVE_LOGIN_MAX_FAILURES",
    "GOLIVE_LOGIN_MAX_FAILURES_PER_IP", "GOLIVE_LOGIN_LOCKOUT_MINUTES"]}))
"""


def _settings_with(tmp_path, **env) -> dict:
    base = {k: v for k, v in os.environ.items() if not k.startswith("GOLIVE_")}
    base.update(GOLIVE_DATA_DIR=str(tmp_path), DATABASE_URL="", DJANGO_SETTINGS_MODULE="golive.settings", **env)
    done = subprocess.run(
        [sys.executable, "-c", SETTINGS_PROBE], env=base, capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(done.stdout)


def test_environment_switches(tmp_path):
    default = _settings_with(tmp_path)
    assert (default["SESSION_COOKIE_SECURE"], default["SECURE_SSL_REDIRECT"], default["SECURE_HSTS_SECONDS"]) == (
        False,
        False,
        0,
    )
    assert default["SECURE_PROXY_SSL_HEADER"] is None
    assert (default["GOLIVE_LOGIN_MAX_FAILURES"], default["GOLIVE_LOGIN_MAX_FAILURES_PER_IP"]) == (5, 20)
    assert default["GOLIVE_LOGIN_LOCKOUT_MINUTES"] == 15

    https = _settings_with(tmp_path, GOLIVE_HTTPS="1", GOLIVE_BEHIND_PROXY="1", GOLIVE_SESSION_HOURS="8")
    assert https["SESSION_COOKIE_SECURE"] and https["CSRF_COOKIE_SECURE"] and https["SECURE_SSL_REDIRECT"]
    assert https["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert https["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert https["SESSION_COOKIE_AGE"] == 8 * 3600
    assert https["SECURE_REDIRECT_EXEMPT"] == ["^healthz$"]

    # The older switch keeps working: secure cookies only, no redirect.
    cookies = _settings_with(tmp_path, GOLIVE_SECURE_COOKIES="1")
    assert cookies["SESSION_COOKIE_SECURE"] and cookies["CSRF_COOKIE_SECURE"] and not cookies["SECURE_SSL_REDIRECT"]

    tuned = _settings_with(
        tmp_path, GOLIVE_LOGIN_MAX_FAILURES="3", GOLIVE_LOGIN_LOCKOUT_MINUTES="60", GOLIVE_HSTS_SECONDS="600"
    )
    assert (tuned["GOLIVE_LOGIN_MAX_FAILURES"], tuned["GOLIVE_LOGIN_LOCKOUT_MINUTES"]) == (3, 60)
    assert tuned["SECURE_HSTS_SECONDS"] == 600


@pytest.mark.parametrize(
    ("name", "value"), [("GOLIVE_SESSION_HOURS", "0"), ("GOLIVE_LOGIN_MAX_FAILURES", "many"), ("GOLIVE_HTTPS", "y")]
)
def test_a_bad_value_stops_the_start(tmp_path, name, value):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOLIVE_")}
    env.update(
        GOLIVE_DATA_DIR=str(tmp_path), DATABASE_URL="", DJANGO_SETTINGS_MODULE="golive.settings", **{name: value}
    )
    done = subprocess.run([sys.executable, "-c", SETTINGS_PROBE], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and name in done.stderr


def _web_templates() -> list[Path]:
    """Every template a browser renders (e-mails are excluded: mail clients need inline styles, and no policy of
    this site applies to them; the report document is a download, styled for printing and offline reading)."""
    return [
        path
        for path in SRC.rglob("templates/**/*.html")
        if "notify/email" not in path.as_posix() and path.name != "report_document.html"
    ]


def test_no_template_has_an_inline_style_or_script():
    templates = _web_templates()
    assert len(templates) > 50
    for path in templates:
        text = path.read_text()
        assert 'style="' not in text, path
        assert "<style" not in text, path
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path
        assert not re.search(r"\son[a-z]+=\"", text), path  # no onclick="..." handlers


def test_pages_with_percentage_bars_render_classes_not_styles(world, advance_to):
    from golive.cutover import services as cutover_services
    from golive.engagement import services as engagement_services

    engagement_services.requirement_create(
        actor=world.lead, project=world.project, ref="R1", title="Invoices", scope="built"
    )
    cutover_services.step_create(actor=world.lead, project=world.project, ref="S1", title="Freeze", planned_minutes=5)
    client = Client()
    client.login(username="lead", password=PASSWORD)
    for url in [
        "/projects/ACME/",
        "/projects/ACME/requirements/",
        "/projects/ACME/uat/board/",
        "/projects/ACME/cutover/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        assert 'style="' not in content, url
    project_page = client.get("/projects/ACME/").content.decode()
    assert re.search(r'class="bar bar-planned at-\d+ pct-\d+"', project_page)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, 0), (37, 37), (37.5, 38), (12.4, 12), ("66.7", 67), (-5, 0), (140, 100), (None, 0), ("", 0), ("x", 0)],
)
def test_pct_picks_one_of_the_fixed_classes(value, expected):
    assert pct(value) == expected
    assert pct(float("nan")) == 0


def test_every_pct_class_exists_in_the_style_sheet():
    css = (SRC / "web/static/golive/golive.css").read_text()
    for n in range(101):
        assert f".pct-{n}{{--percent:{n}%;--width:{n}%}}" in css
        assert f".at-{n}{{--at:{n}%;--left:{n}%}}" in css


def test_api_docs_load_their_start_up_script_as_a_file(world):
    client = Client()
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    _assert_secure_headers(page)
    assert "<style" not in html
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts and all("src=" in attrs and not body.strip() for attrs, body in scripts)
    init = client.get("/api/v1/docs/?script=")
    assert init.status_code == 200
    assert init["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in init.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/projects/ACME/audit/?action=a%00b",
        "/projects/ACME/issues/?status=a%00b",
        "/projects/ACME/requirements/?q=%00",
        "/?customer=%00",
        "/api/v1/projects/ACME/issues/?status=a%00b",
    ],
)
def test_a_nul_character_in_a_query_parameter_is_a_400_not_a_server_error(world, client, path):
    """Found by the reliability suite's fuzzer: PostgreSQL refuses a NUL in any text, so such a value reaching a
    query was a 500 on the pages. Both engines now answer 400 before any view runs."""
    client.force_login(world.lead)
    response = client.get(path)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_a_nul_character_in_a_web_form_is_a_400_and_writes_nothing(world, client):
    from golive.tracker.models import Issue

    client.force_login(world.lead)
    response = client.post("/projects/ACME/issues/new/", {"title": "Broken\x00", "severity": "P3"})
    assert response.status_code == 400
    assert not Issue.objects.exists()
