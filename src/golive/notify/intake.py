"""Reading e-mails for the mail intake: parse a message (sender, subject, the text of its body without the quoted
reply, the ids it answers) and read the messages of an mbox file or an IMAP folder. No database here: the
``intake_message`` service files what this returns.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import html
import imaplib
import mailbox
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.utils import parseaddr, parsedate_to_datetime
from urllib.parse import unquote, urlparse

# "Re:", "RE:", "Fwd:", "FW:", "AW:", "답장:", "회신:", "전달:" and "[EXTERNAL]"-like tags in front of a subject.
_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|sv|답장|회신|전달)\s*(\[\d+\])?\s*:\s*|\[[^\]]{1,20}\]\s*)+", re.IGNORECASE)
_QUOTE_HEADERS = [
    re.compile(r"^\s*On .{1,200} wrote:\s*$", re.IGNORECASE),
    re.compile(r"^\s*-{2,}\s*Original Message\s*-{2,}", re.IGNORECASE),
    re.compile(r"^\s*-{2,}\s*원본 메시지\s*-{2,}"),
    re.compile(r"^\s*20\d\d[.\-/]\s*\d{1,2}[.\-/]\s*\d{1,2}.{0,80}작성:\s*$"),
    re.compile(r"^\s*From:\s.+$"),
]


@dataclass
class Mail:
    """What the intake needs of one e-mail."""

    message_id: str
    sender: str
    subject: str
    body: str
    date: dt.datetime | None
    answers: list[str] = field(default_factory=list)


def _ids(value: str | None) -> list[str]:
    return re.findall(r"<[^<>\s]+>", value or "")


def _html_text(markup: str) -> str:
    markup = re.sub(r"(?is)<(script|style)[^>]*>.*?</\1>", "", markup)
    markup = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>|</tr>", "\n", markup)
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def body_text(message) -> str:
    """The message's text: its text/plain part, else its HTML part as text."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeDecodeError):
        content = part.get_payload(decode=True).decode("utf-8", "replace")
    return _html_text(content) if part.get_content_subtype() == "html" else content


def strip_quoted(text: str) -> str:
    """The new part of a reply: the text above the quoted message ("On ... wrote:", "-----Original Message-----",
    Outlook's "From:" block, lines starting with ">")."""
    kept = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if any(pattern.match(line) for pattern in _QUOTE_HEADERS):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line.rstrip())
    return "\n".join(kept).strip()


def clean_subject(subject: str) -> str:
    return _PREFIX.sub("", subject or "").strip()


def issue_number(subject: str, key: str) -> int | None:
    """The number of the project's issue a subject names (``ACME-12``), if any."""
    match = re.search(rf"(?<![A-Z0-9]){re.escape(key)}-(\d+)\b", subject or "")
    return int(match.group(1)) if match else None


def parse(raw: bytes) -> Mail:
    message = message_from_bytes(raw, policy=policy.default)
    message_id = (_ids(str(message.get("Message-ID", ""))) or [""])[0]
    if not message_id:  # a message without an id still gets a stable one, so a second read skips it
        message_id = "<sha256-" + hashlib.sha256(raw).hexdigest() + "@golive.intake>"
    sender = parseaddr(str(message.get("From", "")))[1].strip().lower()
    try:
        date = parsedate_to_datetime(str(message["Date"])) if message.get("Date") else None
        if date is not None and date.tzinfo is None:
            date = date.replace(tzinfo=dt.UTC)
    except (TypeError, ValueError):
        date = None
    answers = _ids(str(message.get("In-Reply-To", ""))) + _ids(str(message.get("References", "")))
    return Mail(
        message_id=message_id[:500],
        sender=sender,
        subject=str(message.get("Subject", "")).strip(),
        body=body_text(message),
        date=date,
        answers=list(dict.fromkeys(answers)),
    )


def read_mbox(path: str) -> Iterator[bytes]:
    """The raw messages of an mbox file."""
    box = mailbox.mbox(path, create=False)
    try:
        for key in box.iterkeys():
            yield box.get_bytes(key)
    finally:
        box.close()


def read_imap(url: str, *, mark_seen: bool = True) -> Iterator[bytes]:
    """The unseen messages of an IMAP folder: ``imaps://user:password@host[:port]/FOLDER`` (``imap://`` for plain
    IMAP with STARTTLS). Each is marked seen once read (unless ``mark_seen`` is off)."""
    parsed = urlparse(url)
    if parsed.scheme not in ("imap", "imaps") or not parsed.hostname:
        raise ValueError("use imaps://user:password@host/FOLDER")
    folder = unquote(parsed.path.lstrip("/")) or "INBOX"
    if parsed.scheme == "imaps":
        client = imaplib.IMAP4_SSL(parsed.hostname, parsed.port or 993)
    else:
        client = imaplib.IMAP4(parsed.hostname, parsed.port or 143)
        client.starttls()
    try:
        client.login(unquote(parsed.username or ""), unquote(parsed.password or ""))
        client.select(folder, readonly=not mark_seen)
        _status, found = client.search(None, "UNSEEN")
        for number in (found[0] or b"").split():
            _status, data = client.fetch(number, "(BODY.PEEK[])")
            raw = next((part[1] for part in data if isinstance(part, tuple)), None)
            if raw is None:
                continue
            yield raw
            if mark_seen:
                client.store(number, "+FLAGS", "\\Seen")
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            client.logout()
