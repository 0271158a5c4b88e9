"""The one htmx helper: a view renders the whole page, or only its fragment when htmx asks for it.

The full-page template includes the fragment template, so both paths render the same markup and a page
works without JavaScript (plain GET, plain POST + redirect).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def is_htmx(request: HttpRequest) -> bool:
    """True for requests sent by htmx, except history restores, which need the whole page."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


def render_page(
    request: HttpRequest, template: str, context: dict, *, fragment_template: str | None = None, status: int = 200
) -> HttpResponse:
    """Render ``template``, or ``fragment_template`` for an htmx request, with the same context and status."""
    chosen = fragment_template if fragment_template and is_htmx(request) else template
    response = render(request, chosen, context, status=status)
    # Browsers and proxies must not serve a cached fragment for a full-page navigation or the reverse.
    patch_vary_headers(response, ["HX-Request"])
    return response
