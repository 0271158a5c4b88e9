"""Show times in the viewer's timezone (their organization's) and speak their chosen language; send an htmx
request whose session expired to the login page instead of swapping the login form into a fragment; security
headers on every answer and a cap on request bodies."""

import zoneinfo
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse, JsonResponse
from django.shortcuts import resolve_url
from django.utils import timezone, translation
from django.utils.translation import gettext as _


class UserTimezoneMiddleware:
    """Activate the signed-in user's timezone, and their saved language unless the language switch (cookie)
    chose one for this browser."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.timezone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
            if user.language and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
        else:
            timezone.deactivate()
        return self.get_response(request)


class HtmxLoginRedirectMiddleware:
    """An htmx request (a board's auto-refresh, a button) answered with a redirect to the login page would
    swap the login form into the page. Answer it with ``HX-Redirect`` instead, so the browser goes to the login
    page and comes back to the page it was on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.headers.get("HX-Request") != "true" or response.status_code != 302:
            return response
        login = resolve_url(settings.LOGIN_URL)
        if urlsplit(response.get("Location", "")).path != login:
            return response
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        back = (current.path + ("?" + current.query if current.query else "")) or request.get_full_path()
        redirect = HttpResponse(status=204)
        redirect["HX-Redirect"] = f"{login}?{urlencode({'next': back})}"
        return redirect


# Only the app's own files: every script and style sheet is a static file, and nothing may frame the pages.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# No page of GoLive uses the camera, the microphone, the location or payments; embedded content may not either.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in [
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    ]
)


class SecurityHeadersMiddleware:
    """Content-Security-Policy, Permissions-Policy and X-Frame-Options on every answer: pages, API and static files
    (this runs before WhiteNoise, which serves those itself). Django's SecurityMiddleware adds nosniff, the
    referrer and opener policies and HSTS. A view may set its own policy; it is kept."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        return response


class RequestSizeLimitMiddleware:
    """Refuse an over-large request body before anything reads it: 413 with ``{detail}``, not a 500 or a worker
    busy swallowing it. Multipart uploads may reach ``GOLIVE_MAX_REQUEST_MB``; other bodies (JSON, forms)
    ``DATA_UPLOAD_MAX_MEMORY_SIZE``. A body Django refuses while parsing (too many fields or files) is a 400 with
    ``{detail}`` on the API."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if request.content_type == "multipart/form-data":
            limit = settings.GOLIVE_MAX_REQUEST_MB * 1024 * 1024
        else:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            detail = _("The request is too large (at most %(mb)s MB).") % {"mb": f"{limit / (1024 * 1024):g}"}
            return _error(request, 413, detail)
        if request.method == "POST" and not request.path.startswith("/api/") and request.content_type in FORM_TYPES:
            # A web form is parsed here, as the CSRF check would a moment later, so that a refusal is this answer
            # and not Django's bare 400 page. The API parses its own bodies (refusals: process_exception).
            try:
                request.POST  # noqa: B018
            except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent) as exc:
                return _refusal(request, exc)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
            return _refusal(request, exception)
        return None


FORM_TYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})


class NulCharacterMiddleware:
    """A NUL character in a query parameter or a form field is bad input: 400 with ``{detail}`` (PostgreSQL refuses
    it in any text, which would otherwise surface as a server error wherever the value reaches a query). Found by
    the schema fuzzer of the reliability suite; API bodies are answered by the API's own exception handler."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "%00" in request.META.get("QUERY_STRING", "") and _has_nul(request.GET):
            return _error(request, 400, _("The request contains a NUL character."))
        web_form = request.method == "POST" and not request.path.startswith("/api/")
        if web_form and request.content_type in FORM_TYPES and _has_nul(request.POST):
            return _error(request, 400, _("The request contains a NUL character."))
        return self.get_response(request)


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in data.lists())


def _refusal(request, exception: Exception) -> HttpResponse:
    """The answer to a body Django refused while parsing it."""
    if isinstance(exception, RequestDataTooBig):
        return _error(request, 413, _("The request is too large."))
    if isinstance(exception, TooManyFilesSent):
        return _error(request, 400, _("The request sends too many files at once."))
    return _error(request, 400, _("The request has too many fields."))


def _error(request, status: int, detail: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail}, status=status)
    return HttpResponse(detail, status=status, content_type="text/plain; charset=utf-8")
