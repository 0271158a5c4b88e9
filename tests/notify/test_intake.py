"""Mail intake from an mbox file: new messages become issues, replies comments (by headers or by the ref in the
subject), strangers are skipped (or filed by the fallback reporter), and a second read files nothing again."""

from __future__ import annotations

import mailbox
from email.message import EmailMessage
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from golive.notify import intake
from golive.notify.models import IntakeMessage
from golive.tracker.models import Comment, Issue

pytestmark = pytest.mark.django_db


def _mail(sender: str, subject: str, body: str, *, message_id: str, reply_to: str | None = None, html: str = ""):
    message = EmailMessage()
    message["From"] = f"Someone <{sender}>"
    message["To"] = "support@vendor.example.com"
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message["Date"] = "Tue, 25 Nov 2025 16:02:00 +0900"
    if reply_to:
        message["In-Reply-To"] = reply_to
        message["References"] = reply_to
    if body:
        message.set_content(body)
    if html:
        if body:
            message.add_alternative(html, subtype="html")
        else:
            message.set_content(html, subtype="html")
    return message


def _mbox(tmp_path, messages) -> str:
    path = tmp_path / "inbox.mbox"
    box = mailbox.mbox(path)
    for message in messages:
        box.add(message)
    box.flush()
    box.close()
    return str(path)


def _run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("mail_intake", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_new_mails_become_issues_and_replies_comments(world, tmp_path):
    member = world.customer_member.email
    path = _mbox(
        tmp_path,
        [
            _mail(member, "Invoices print blank", "Since this morning every invoice is blank.", message_id="<a@x>"),
            _mail(
                member,
                "Re: Invoices print blank",
                "Still blank after the restart.\n\nOn Tue, 25 Nov 2025 someone wrote:\n> Since this morning",
                message_id="<b@x>",
                reply_to="<a@x>",
            ),
            _mail(world.lead.email, "답장: [ACME-1] 인보이스", "패치를 배포했습니다.\n> 이전 내용", message_id="<c@x>"),
            _mail("stranger@elsewhere.example", "Buy our product", "Hello", message_id="<d@x>"),
            _mail(
                member,
                "Export button",
                "",
                html="<p>The <b>export</b> button&nbsp;does nothing.</p>",
                message_id="<e@x>",
            ),
        ],
    )
    out, err = _run("ACME", "--mbox", path)
    assert out.strip() == "new issues: 2, comments: 2, skipped: 1, seen before: 0"
    assert "stranger@elsewhere.example" in err
    first, second = Issue.objects.filter(project=world.project).order_by("number")
    assert (first.title, first.reporter, first.description) == (
        "Invoices print blank",
        world.customer_member,
        "Since this morning every invoice is blank.",
    )
    assert [c.body for c in Comment.objects.filter(issue=first).order_by("id")] == [
        "Still blank after the restart.",
        "패치를 배포했습니다.",
    ]
    assert second.title == "Export button" and "The export button" in second.description
    assert IntakeMessage.objects.get(message_id="<d@x>").outcome == "skipped"

    again, _err = _run("ACME", "--mbox", path)
    assert again.strip() == "new issues: 0, comments: 0, skipped: 0, seen before: 5"
    assert Issue.objects.filter(project=world.project).count() == 2


def test_a_fallback_reporter_files_mails_of_strangers(world, tmp_path):
    path = _mbox(tmp_path, [_mail("ops@acme.example", "Server down", "Nothing loads.", message_id="<z@x>")])
    _run("ACME", "--mbox", path, "--as", "support")
    assert Issue.objects.get().reporter == world.support
    with pytest.raises(CommandError, match="not a member"):
        _run("ACME", "--mbox", path, "--as", "other_lead")
    with pytest.raises(CommandError, match="no project"):
        _run("NOPE", "--mbox", path)


def test_parsing_helpers():
    assert intake.clean_subject("RE: Fwd: [EXT] 회신: Login fails") == "Login fails"
    assert intake.issue_number("Re: [ACME-12] Login", "ACME") == 12
    assert intake.issue_number("Re: XACME-12 Login", "ACME") is None
    assert intake.strip_quoted("New text\n-----Original Message-----\nold") == "New text"
    mail = intake.parse(b"From: a@b.example\r\nSubject: Hi\r\n\r\nBody\r\n")
    assert mail.message_id.startswith("<sha256-") and mail.sender == "a@b.example" and mail.body.strip() == "Body"
