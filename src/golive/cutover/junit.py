"""A safe, streaming JUnit XML parser, as plain functions with no Django imports.

JUnit XML is the de-facto test report format: pytest (``--junitxml``), Maven Surefire and Failsafe
(``TEST-com.example.FooTest.xml``), Gradle, jest-junit, PHPUnit, Go's gotestsum and most CI tools write it.
There is no single schema, so the parser accepts the shapes those tools share:

* the root is ``<testsuites>`` or ``<testsuite>``; suites may nest (PHPUnit, jest-junit, some Gradle plugins);
* every ``<testcase>`` is one test. Its outcome comes from its child elements: ``<failure>`` is a failure,
  ``<error>`` an error, ``<skipped>`` skipped (pytest's xfail is written as skipped), anything else passed.
  Surefire's ``<flakyFailure>``, ``<flakyError>``, ``<rerunFailure>`` and ``<rerunError>`` record earlier
  attempts: on their own they mean the case finally passed (a case that failed every attempt also carries a
  ``<failure>`` or ``<error>``). When a case has several outcome elements, failure wins over error, and error
  over skipped;
* totals are counted from the ``testcase`` elements, never taken from the suites' ``tests``/``failures``
  attributes, which tools fill in inconsistently (and which a file could simply misstate);
* the time is the sum of the cases' ``time`` attributes in seconds; a missing or unreadable one counts as 0.

Safety. Reports are uploaded by users, so the input is hostile until proven otherwise:

* any ``<!DOCTYPE>`` is refused the moment the parser meets it (``forbid_dtd``), which rules out entity
  expansion ("billion laughs"), external entities (``<!ENTITY e SYSTEM "file:///etc/passwd">``) and external
  DTDs in one stroke: no JUnit writer emits a DOCTYPE;
* the input is read through a counter that stops at ``max_bytes``, so a huge upload costs at most that much
  reading; elements nested deeper than ``MAX_DEPTH`` are refused;
* the document is streamed: every element is detached from the tree as soon as it ends, so memory stays flat
  whatever the number of cases (only the open elements, the current case and the kept failing cases are held).

Every problem with the input is a ``JUnitError`` (a ``ValueError``) whose ``str()`` is a short, plain-English
message fit to show to the person who uploaded the file. The messages are marked for translation with
``gettext_noop``: a caller with Django at hand shows ``error.translate(gettext)`` instead.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import IO, Any
from xml.parsers.expat import errors as expat_errors

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import ParseError, iterparse

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_FAILING",
    "DETAIL_LIMIT",
    "MAX_DEPTH",
    "MESSAGE_LIMIT",
    "NAME_LIMIT",
    "FailingCase",
    "JUnitError",
    "JUnitReport",
    "parse_junit",
]

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_FAILING = 500
MESSAGE_LIMIT = 1000
DETAIL_LIMIT = 4000
NAME_LIMIT = 500  # suite, classname and name of a failing case
# Real reports nest a handful of levels (testsuites > testsuite > testsuite > testcase > failure); anything far
# deeper is an attempt to make the parser hold a long chain of open elements.
MAX_DEPTH = 64

_ROOTS = ("testsuites", "testsuite")
_DECLARED_ENCODING = re.compile(
    rb"""^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']"""
)
_KINDS = ("failure", "error", "skipped")  # in order of precedence

# expat errors that, once the root element has been seen and the whole file read, mean the file stops short.
_TRUNCATION_CODES = frozenset(
    expat_errors.codes[message]
    for message in (
        expat_errors.XML_ERROR_NO_ELEMENTS,
        expat_errors.XML_ERROR_UNCLOSED_TOKEN,
        expat_errors.XML_ERROR_PARTIAL_CHAR,
        expat_errors.XML_ERROR_UNCLOSED_CDATA_SECTION,
    )
)


def gettext_noop(message: str) -> str:
    """Mark ``message`` for translation without translating it (``makemessages`` extracts this keyword)."""
    return message


# --------------------------------------------------------------------------------------------------------------
# Results


class JUnitError(ValueError):
    """Not a JUnit report, or a hostile/oversized one; ``str(e)`` is a user-facing message (plain English).

    ``template`` is the untranslated message with ``%(name)s`` placeholders and ``params`` their values, so a
    caller can show it in the user's language: ``error.translate(gettext)``.
    """

    def __init__(self, template: str, **params: Any) -> None:
        self.template = template
        self.params = params
        super().__init__(template % params if params else template)

    def translate(self, gettext) -> str:
        """The message translated by ``gettext`` (e.g. ``django.utils.translation.gettext``)."""
        text = gettext(self.template)
        return text % self.params if self.params else text


@dataclass(frozen=True)
class FailingCase:
    """A test case that failed or errored.

    ``suite`` is the name of the nearest enclosing ``testsuite`` ("" when there is none); ``suite``, ``classname``
    and ``name`` are cut to ``NAME_LIMIT`` characters; ``kind`` is
    ``"failure"`` or ``"error"``; ``message`` is the element's ``message`` attribute (or, when that is absent or
    blank, the first non-blank line of its text) cut to ``MESSAGE_LIMIT`` characters; ``detail`` is the element's
    text (usually a stack trace) cut to ``DETAIL_LIMIT`` characters. A cut text ends with "…".
    """

    suite: str
    classname: str
    name: str
    kind: str
    message: str
    detail: str


@dataclass(frozen=True)
class JUnitReport:
    """The totals of a JUnit report and its failing cases (in document order).

    ``tests == passed + failures + errors + skipped``; ``time_seconds`` is the sum of the cases' ``time``
    attributes (rounded to the microsecond); ``suites`` counts ``testsuite`` elements at any depth;
    ``failing`` holds at most ``max_failing`` cases and ``failing_omitted`` counts the failing cases beyond them.
    """

    tests: int
    failures: int
    errors: int
    skipped: int
    passed: int
    time_seconds: float
    suites: int
    failing: list[FailingCase]
    failing_omitted: int

    @property
    def ok(self) -> bool:
        """True when the report ran at least one test and nothing failed or errored (skips are allowed)."""
        return self.tests > 0 and self.failures == 0 and self.errors == 0


# --------------------------------------------------------------------------------------------------------------
# Parsing


class _LimitedReader:
    """A file-like view of ``source`` that raises ``JUnitError`` once more than ``limit`` bytes were read.

    It also records what it saw (``blank``: nothing but whitespace so far; ``at_end``) and the parser records
    ``root_seen``, to word a parse error.
    """

    def __init__(self, source: IO[bytes], limit: int) -> None:
        self.source = source
        self.limit = limit
        self.count = 0
        self.head = b""  # the first bytes, to name a declared encoding the parser cannot read
        self.blank = True
        self.at_end = False
        self.root_seen = False

    def read(self, size: int | None = -1) -> bytes:
        # Never ask for more than one byte past the limit, whatever the caller wants.
        allowed = self.limit + 1 - self.count
        size = allowed if size is None or size < 0 else min(size, allowed)
        if size == 0:
            return b""
        data = self.source.read(size)
        if not data:
            self.at_end = True
            return data
        if not self.head:
            self.head = data[:200]
        self.count += len(data)
        if self.blank:
            self.blank = not data.lstrip(b"\xef\xbb\xbf").strip()
        if self.count > self.limit:
            raise JUnitError(
                gettext_noop("The file is larger than %(limit)s, the size limit for a test report."),
                limit=_human_size(self.limit),
            )
        return data


def _human_size(size: int) -> str:
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= factor:
            value = size / factor
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{size} bytes"


def _local(tag: str) -> str:
    """The tag without its namespace (``{urn:x}testcase`` -> ``testcase``)."""
    return tag.rpartition("}")[2] if tag[:1] == "{" else tag


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _seconds(value: str | None) -> float:
    if not value:
        return 0.0
    try:
        seconds = float(value)
    except ValueError:
        return 0.0
    return seconds if math.isfinite(seconds) and seconds >= 0 else 0.0


class _Case:
    """The test case being read: its attributes, and the first outcome element of each kind."""

    __slots__ = ("element", "suite", "outcomes")

    def __init__(self, element, suite: str) -> None:
        self.element = element
        self.suite = suite
        self.outcomes: dict[str, tuple[str, str]] = {}

    def see(self, kind: str, element) -> None:
        if kind not in _KINDS or kind in self.outcomes:
            return
        if kind == "skipped":
            self.outcomes[kind] = ("", "")
            return
        # The element's children (if any) were detached when they ended, so .text is all the text left.
        detail = (element.text or "").strip()
        message = (element.get("message") or "").strip()
        if not message and detail:
            message = next(line.strip() for line in detail.splitlines() if line.strip())
        self.outcomes[kind] = (_cut(message, MESSAGE_LIMIT), _cut(detail, DETAIL_LIMIT))

    def kind(self) -> str:
        return next((kind for kind in _KINDS if kind in self.outcomes), "passed")


def _parse_error(error: ParseError, reader: _LimitedReader) -> JUnitError:
    if reader.blank:
        return JUnitError(gettext_noop("The file is empty."))
    code = getattr(error, "code", None)
    if reader.root_seen and reader.at_end and code in _TRUNCATION_CODES:
        return JUnitError(gettext_noop("The file ends in the middle of the XML: it looks truncated."))
    line, column = getattr(error, "position", (0, 0))
    return JUnitError(
        gettext_noop("The file is not well-formed XML (line %(line)s, column %(column)s)."),
        line=line,
        column=column + 1,
    )


def _encoding_error(reader: _LimitedReader) -> JUnitError:
    declared = _DECLARED_ENCODING.match(reader.head)
    if declared:
        return JUnitError(
            gettext_noop("The file is encoded as %(encoding)s, which cannot be read: save it as UTF-8."),
            encoding=declared.group(1).decode("ascii"),
        )
    return JUnitError(gettext_noop("The file's character encoding cannot be read: save it as UTF-8."))


def _refusal(error: DefusedXmlException) -> JUnitError:
    if isinstance(error, DTDForbidden):
        if (error.name or "").lower() == "html":
            return JUnitError(gettext_noop("The file is an HTML page, not a JUnit XML report."))
        return JUnitError(
            gettext_noop("The file has a DOCTYPE declaration. JUnit reports have none, so it is refused for safety.")
        )
    if isinstance(error, EntitiesForbidden):
        return JUnitError(gettext_noop("The file declares XML entities, which are refused for safety."))
    if isinstance(error, ExternalReferenceForbidden):
        return JUnitError(gettext_noop("The file refers to an external resource, which is refused for safety."))
    return JUnitError(gettext_noop("The file uses an XML feature that is refused for safety."))


def parse_junit(
    source: IO[bytes], *, max_bytes: int = DEFAULT_MAX_BYTES, max_failing: int = DEFAULT_MAX_FAILING
) -> JUnitReport:
    """Read a JUnit XML report from the binary file ``source`` and return its totals and failing cases.

    Reads at most ``max_bytes`` (+1) bytes from ``source`` and keeps the first ``max_failing`` failing cases.
    Raises ``JUnitError`` for anything that is not a JUnit report: an empty file, text that is not XML or
    stops short, a DOCTYPE (and with it any entity declaration or external DTD), a root other than
    ``testsuites``/``testsuite``, elements nested deeper than ``MAX_DEPTH``, or more than ``max_bytes`` bytes.
    ``source`` is not closed.
    """
    reader = _LimitedReader(source, max_bytes)
    try:
        return _parse(reader, max_failing)
    except JUnitError:
        raise
    except ParseError as error:
        raise _parse_error(error, reader) from None
    except DefusedXmlException as error:
        raise _refusal(error) from None
    except (LookupError, ValueError):
        # expat reads UTF-8, UTF-16, ISO-8859-1 and ASCII, and Python adds the single-byte codecs; any other
        # declared encoding (EUC-KR, Shift_JIS, a made-up name) fails in the declaration, before the root.
        if reader.root_seen:
            raise
        raise _encoding_error(reader) from None


def _parse(reader: _LimitedReader, max_failing: int) -> JUnitReport:
    counts = dict.fromkeys(("failure", "error", "skipped", "passed"), 0)
    seconds = 0.0
    suites = 0
    failing: list[FailingCase] = []
    omitted = 0
    open_elements: list = []  # the chain of elements from the root to the current one
    suite_names: list[str] = []
    case: _Case | None = None

    events = iterparse(reader, events=("start", "end"), forbid_dtd=True)
    for event, element in events:
        if event == "start":
            tag = _local(element.tag)
            if not open_elements:
                if tag not in _ROOTS:
                    raise JUnitError(
                        gettext_noop(
                            "The file is not a JUnit report: its root element is <%(root)s>, "
                            "not <testsuites> or <testsuite>."
                        ),
                        root=_cut(tag, 80),
                    )
                reader.root_seen = True
            elif len(open_elements) >= MAX_DEPTH:
                raise JUnitError(gettext_noop("The XML is nested too deeply to be a JUnit report."))
            if case is None:
                if tag == "testsuite":
                    suites += 1
                    suite_names.append(element.get("name") or "")
                elif tag == "testcase":
                    case = _Case(element, _cut(suite_names[-1], NAME_LIMIT) if suite_names else "")
            open_elements.append(element)
            continue

        open_elements.pop()
        parent = open_elements[-1] if open_elements else None
        if case is not None:
            if element is case.element:
                kind = case.kind()
                counts[kind] += 1
                seconds += _seconds(element.get("time"))
                if kind in ("failure", "error"):
                    if len(failing) < max_failing:
                        message, detail = case.outcomes[kind]
                        failing.append(
                            FailingCase(
                                suite=case.suite,
                                classname=_cut(element.get("classname") or "", NAME_LIMIT),
                                name=_cut(element.get("name") or "", NAME_LIMIT),
                                kind=kind,
                                message=message,
                                detail=detail,
                            )
                        )
                    else:
                        omitted += 1
                case = None
            elif parent is case.element:
                case.see(_local(element.tag), element)
        elif _local(element.tag) == "testsuite":
            suite_names.pop()
        # Everything needed from the element has been taken: detach it so the tree never grows. Its earlier
        # siblings were detached when they ended, so it is its parent's first child (later siblings may already
        # be there: the parser runs ahead of the events by one read).
        if parent is not None:
            if parent[0] is element:
                del parent[0]
            else:  # not expected; keep the memory bound anyway
                parent.remove(element)

    tests = sum(counts.values())
    return JUnitReport(
        tests=tests,
        failures=counts["failure"],
        errors=counts["error"],
        skipped=counts["skipped"],
        passed=counts["passed"],
        time_seconds=round(seconds, 6),
        suites=suites,
        failing=failing,
        failing_omitted=omitted,
    )
