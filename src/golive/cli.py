"""The ``golive`` command (CONTRACT.md, Command line).

Exit status: 0 on success, 1 on a handled error (message on stderr, no traceback), 2 on bad usage.
"""

from __future__ import annotations

import argparse
import os
import sys


class CliError(Exception):
    """A handled failure: printed on stderr, exit status 1."""


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "golive.settings")
    import django

    django.setup()


def _migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def _load_demo() -> bool:
    """Load the demo data set: history, not news, so it publishes no events (no e-mails, no webhooks)."""
    from golive import demo
    from golive.tasks import events_suppressed

    with events_suppressed():
        return demo.load()


def _print_logins(out) -> None:
    from golive.demo import DEMO_PASSWORD, LOGINS

    out.write(f"Demo logins (password for all: {DEMO_PASSWORD}):\n")
    for username, what in LOGINS:
        out.write(f"  {username:<15} {what}\n")


def cmd_serve(args) -> int:
    from waitress import serve

    from golive import demo
    from golive.wsgi import application

    _migrate()
    if not args.no_demo:
        from golive.accounts.models import User

        if not User.objects.exists():
            _load_demo()
    from django.conf import settings

    if not settings.BROKER_URL:
        from golive.jobs import start_single_node_scheduler
        from golive.tasks import start_local_worker

        start_local_worker()
        start_single_node_scheduler()
    url = f"http://{args.host}:{args.port}/"
    sys.stdout.write(f"GoLive is serving on {url}\n")
    if demo.is_loaded():
        _print_logins(sys.stdout)
    sys.stdout.flush()
    serve(
        application,
        host=args.host,
        port=args.port,
        threads=args.threads,
        ident="golive",
        channel_timeout=60,
        connection_limit=200,
        clear_untrusted_proxy_headers=True,
    )
    return 0


def cmd_sweep(args) -> int:
    import datetime as dt

    from golive.jobs import sweep

    as_of = None
    if args.as_of:
        try:
            as_of = dt.datetime.fromisoformat(args.as_of)
        except ValueError:
            raise CliError(f"--as-of {args.as_of!r} is not an ISO 8601 instant") from None
        if as_of.tzinfo is None:
            raise CliError("--as-of needs a UTC offset, e.g. 2026-11-26T09:00:00+09:00")
    from django.conf import settings

    from golive.tasks import start_local_worker, stop_local_worker

    worker = None if settings.BROKER_URL else start_local_worker()
    result = sweep(as_of=as_of)
    if worker is not None:  # single-node: send what the sweep queued before the process ends
        worker.drain(timeout=120)
        stop_local_worker()
    sys.stdout.write(
        f"response breaches flagged: {result['response_breaches']}\n"
        f"resolution breaches flagged: {result['resolution_breaches']}\n"
        f"hypercare windows ready to exit: {', '.join(result['hypercare_ready_to_exit']) or 'none'}\n"
        f"escalations sent: {result['escalations']}\n"
        f"hypercare digests sent: {result['digests']}\n"
        f"reminders sent: {result['reminders']}\n"
        f"stalled deliveries and e-mails resumed: {result['resumed']}\n"
    )
    return 0


def cmd_worker(args) -> int:
    from django.conf import settings

    if not settings.BROKER_URL:
        raise CliError("GOLIVE_BROKER_URL is not set: without a broker, `golive serve` runs background work itself")
    from golive.celery import configure

    app = configure(settings.BROKER_URL)
    argv = ["worker", f"--loglevel={args.loglevel}", f"--concurrency={args.concurrency}"]
    if not args.no_beat:
        argv.append("--beat")
        argv.append(f"--schedule={settings.DATA_DIR / 'celerybeat-schedule'}")
    app.worker_main(argv)
    return 0


def cmd_migrate(args) -> int:
    _migrate(verbosity=1)
    return 0


def cmd_demo(args) -> int:

    _migrate()
    if _load_demo():
        sys.stdout.write("Demo data loaded.\n")
    else:
        sys.stdout.write("Demo data already present; nothing changed.\n")
    _print_logins(sys.stdout)
    return 0


def cmd_createuser(args) -> int:
    from django.core.exceptions import ValidationError

    from golive.accounts import services
    from golive.accounts.models import Organization

    organization = None
    if args.org:
        organization = Organization.objects.filter(slug=args.org).first()
        if organization is None:
            raise CliError(f"no organization with slug {args.org!r}")
    try:
        user = services.user_create(
            actor=None,
            username=args.username,
            password=args.password,
            email=args.email or "",
            organization=organization,
            is_admin=args.admin,
        )
    except ValidationError as exc:
        messages = "; ".join(f"{field}: {' '.join(errs)}" for field, errs in exc.message_dict.items())
        raise CliError(messages) from None
    sys.stdout.write(f"Created user {user.username}{' (administrator)' if user.is_admin else ''}.\n")
    return 0


def cmd_token(args) -> int:
    from golive.accounts import services
    from golive.accounts.models import User

    user = User.objects.filter(username=args.username).first()
    if user is None:
        raise CliError(f"no user {args.username!r}")
    sys.stdout.write(services.token_get_or_create(user=user).key + "\n")
    return 0


def cmd_backup(args) -> int:
    from golive.backup import BackupError, backup

    try:
        manifest = backup(args.file)
    except (BackupError, OSError) as exc:
        raise CliError(f"backup failed: {exc}") from None
    sys.stdout.write(f"Backup written to {args.file} ({manifest['engine']}, {manifest['files']} stored files).\n")
    return 0


def cmd_restore(args) -> int:
    from golive.backup import BackupError, restore

    try:
        manifest = restore(args.file)
    except BackupError as exc:
        raise CliError(f"restore refused: {exc}") from None
    sys.stdout.write(
        f"Restored {args.file} (made {manifest['created_at']} on {manifest['engine']}, "
        f"{manifest['files']} stored files).\n"
    )
    return 0


def cmd_report(args) -> int:
    from django.conf import settings

    from golive.debrief.render import file_name, render
    from golive.debrief.report import build_report
    from golive.lifecycle.models import Project

    project = Project.objects.filter(key=args.key).first()
    if project is None:
        raise CliError(f"no project {args.key!r}")
    language = args.language or settings.LANGUAGE_CODE
    data = build_report(project=project, language=language)
    content = render(data, args.format, language)
    target = args.output
    if target is None and args.format == "pdf":
        target = file_name(data, "pdf")  # never PDF bytes on a terminal
    if target is None or target == "-":
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return 0
    try:
        with open(target, "wb") as handle:
            handle.write(content)
    except OSError as exc:
        raise CliError(f"cannot write {target}: {exc.strerror or exc}") from None
    sys.stderr.write(f"Wrote {target} ({len(content):,} bytes).\n")
    return 0


def cmd_manage(args) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["golive manage", *args.args])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="golive", description="GoLive: SaaS implementation projects, from kickoff to a quiet hypercare."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="migrate, load the demo data on an empty database and serve")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--no-demo", action="store_true", help="do not load the demo data")
    serve.add_argument(
        "--threads",
        type=int,
        default=int(os.environ.get("GOLIVE_THREADS", "8")),
        help="worker threads of the WSGI server (default 8)",
    )
    serve.set_defaults(func=cmd_serve)

    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)
    sub.add_parser("demo", help="load the demo data set (idempotent)").set_defaults(func=cmd_demo)

    createuser = sub.add_parser("createuser", help="create a user")
    createuser.add_argument("username")
    createuser.add_argument("--password", required=True)
    createuser.add_argument("--email")
    createuser.add_argument("--org", help="organization slug")
    createuser.add_argument("--admin", action="store_true", help="make a vendor administrator")
    createuser.set_defaults(func=cmd_createuser)

    worker = sub.add_parser("worker", help="run the background worker and the periodic scheduler (needs a broker)")
    worker.add_argument("--concurrency", type=int, default=2)
    worker.add_argument("--loglevel", default="INFO")
    worker.add_argument("--no-beat", action="store_true", help="consume tasks only; run the scheduler elsewhere")
    worker.set_defaults(func=cmd_worker)

    sweep = sub.add_parser("sweep", help="evaluate SLA clocks and hypercare exit criteria once")
    sweep.add_argument("--as-of", help="evaluate at this ISO 8601 instant (default now)")
    sweep.set_defaults(func=cmd_sweep)

    report = sub.add_parser("report", help="write the project report (JSON, Markdown, HTML or PDF)")
    report.add_argument("key", metavar="PROJECT_KEY")
    report.add_argument("--format", choices=["json", "md", "html", "pdf"], default="json", help="default json")
    report.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE ('-' for standard output); default: standard output, or KEY-report.pdf for a PDF",
    )
    report.add_argument("--language", choices=["en", "ko"], help="language of md, html and pdf (default en)")
    report.set_defaults(func=cmd_report)

    backup = sub.add_parser("backup", help="write a logical backup of the database and stored files")
    backup.add_argument("file", metavar="FILE")
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="restore a backup into an empty database")
    restore.add_argument("file", metavar="FILE")
    restore.set_defaults(func=cmd_restore)

    token = sub.add_parser("token", help="print a user's API token (created if missing)")
    token.add_argument("username")
    token.set_defaults(func=cmd_token)

    manage = sub.add_parser("manage", help="Django management commands", add_help=False)
    manage.add_argument("args", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from django.core.exceptions import ImproperlyConfigured

    try:
        _setup()
        return args.func(args)
    except CliError as exc:
        sys.stderr.write(f"golive {args.command}: {exc}\n")
        return 1
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"golive: configuration error: {exc}\n")
        return 1
    except KeyboardInterrupt:
        return 0
    except Exception as exc:  # a database that cannot be reached, a full disk...: no traceback for users
        from django.db import DatabaseError

        if isinstance(exc, DatabaseError | OSError):
            sys.stderr.write(f"golive {args.command}: {exc.__class__.__name__}: {exc}\n")
            return 1
        raise


if __name__ == "__main__":
    raise SystemExit(main())
