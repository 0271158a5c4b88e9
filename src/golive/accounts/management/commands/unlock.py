"""``golive manage unlock USERNAME`` / ``--ip ADDRESS``: lift a log-in lock before it ends by itself."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from golive.accounts import services


class Command(BaseCommand):
    help = "Lift the log-in lock of a username (and forget its failed attempts) or of a client IP address."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", help="the username whose lock to lift")
        parser.add_argument("--ip", help="lift the lock of this client IP address instead (or as well)")

    def handle(self, *args, username=None, ip=None, **options):
        try:
            lifted = services.login_unlock(actor=None, username=username, ip=ip)
        except ValidationError as exc:
            raise CommandError("; ".join(" ".join(errors) for errors in exc.message_dict.values())) from None
        target = " and ".join(filter(None, [username and f"user {username}", ip and f"address {ip}"]))
        if lifted:
            self.stdout.write(f"Unlocked {target} ({lifted} lock{'s' if lifted != 1 else ''} lifted).")
        else:
            self.stdout.write(f"{target[0].upper()}{target[1:]} was not locked; its failed attempts are forgotten.")
