"""``golive manage mail_intake PROJECT_KEY --mbox FILE | --imap URL [--as USERNAME]``: file e-mails as issues.

A new message becomes an issue reported by its sender (a member of the project, matched by e-mail address); a
reply (by its In-Reply-To/References headers, or an issue ref such as ``ACME-12`` in its subject) becomes a
comment on that issue. A message read before is skipped, so the command can run from cron every few minutes.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from golive.accounts.models import Membership
from golive.lifecycle.models import Project
from golive.notify import intake, services


class Command(BaseCommand):
    help = "File e-mails of an mbox file or an IMAP folder as issues and comments of a project."

    def add_arguments(self, parser):
        parser.add_argument("project", help="project key, e.g. ACME")
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--mbox", help="path of an mbox file")
        source.add_argument("--imap", help="imaps://user:password@host/FOLDER (unseen messages; marked seen)")
        parser.add_argument(
            "--as", dest="fallback", help="username reporting messages whose sender is not a project member"
        )

    def handle(self, *args, **options):
        project = Project.objects.filter(key=options["project"]).first()
        if project is None:
            raise CommandError(f"no project {options['project']!r}")
        fallback = None
        if options["fallback"]:
            membership = (
                Membership.objects.filter(project=project, user__username=options["fallback"])
                .select_related("user")
                .first()
            )
            if membership is None:
                raise CommandError(f"{options['fallback']!r} is not a member of {project.key}")
            fallback = membership.user
        try:
            messages = intake.read_mbox(options["mbox"]) if options["mbox"] else intake.read_imap(options["imap"])
            counts = {"issue": 0, "comment": 0, "skipped": 0, "seen before": 0}
            for raw in messages:
                row, new = services.intake_message(project=project, raw=raw, fallback=fallback)
                counts[row.outcome if new else "seen before"] += 1
                if new and row.outcome == "skipped":
                    self.stderr.write(f"skipped {row.message_id} from {row.sender}: {row.reason}")
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read the mailbox: {exc}") from None
        self.stdout.write(
            f"new issues: {counts['issue']}, comments: {counts['comment']}, skipped: {counts['skipped']}, "
            f"seen before: {counts['seen before']}"
        )
