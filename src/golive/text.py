"""User text is Markdown, sanitised before rendering (DESIGN.md, Rules)."""

import functools
import threading

import markdown
import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "del",
}


_local = threading.local()


def _converter() -> markdown.Markdown:
    # Building a Markdown instance loads its extensions and costs more than converting a short text: keep one per
    # thread (an instance is not thread-safe) and reset it between texts.
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = markdown.Markdown(extensions=["fenced_code", "tables", "sane_lists"])
    return converter


@functools.lru_cache(maxsize=2048)
def _render(text: str) -> str:
    html = _converter().reset().convert(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def render_markdown(text: str) -> str:
    """HTML from Markdown with only safe tags and attributes left (no scripts, styles or event handlers).

    The same text renders to the same HTML, so lists and pages that show a text again reuse the result (a bounded
    cache; texts longer than 20,000 characters are rendered each time rather than kept)."""
    text = text or ""
    if len(text) > 20_000:
        return _render.__wrapped__(text)
    return _render(text)


# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """A cell value for CSV exports that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
