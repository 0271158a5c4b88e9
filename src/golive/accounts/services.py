"""Writes of organizations, users, memberships and API tokens, and the log-in throttle."""

from __future__ import annotations

import datetime as dt
import ipaddress
import math

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from golive.accounts.models import LoginFailure, LoginLock, Membership, Organization, User
from golive.audit.services import audit_record


@transaction.atomic
def organization_create(*, actor, slug: str, name: str, kind: str, timezone: str = "UTC") -> Organization:
    """Create a vendor or customer organization."""
    organization = Organization(slug=slug, name=name, kind=kind, timezone=timezone)
    organization.full_clean()
    organization.save()
    audit_record(
        actor=actor,
        action="organization.created",
        obj=organization,
        changes={"slug": slug, "name": name, "kind": kind, "timezone": timezone},
    )
    return organization


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    password: str,
    email: str = "",
    organization: Organization | None = None,
    is_admin: bool = False,
    first_name: str = "",
    last_name: str = "",
    language: str = "",
) -> User:
    """Create a user with a validated password. Administrators also get Django admin access."""
    user = User(
        username=username,
        email=email,
        organization=organization,
        is_admin=is_admin,
        is_staff=is_admin,
        is_superuser=is_admin,
        first_name=first_name,
        last_name=last_name,
        language=language,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(
        actor=actor,
        action="user.created",
        obj=user,
        changes={
            "username": username,
            "email": email,
            "organization": organization.slug if organization else None,
            "is_admin": is_admin,
        },
    )
    return user


@transaction.atomic
def membership_add(*, actor, project, user: User, role: str) -> Membership:
    """Give a user a role on a project; a user already on the project gets the new role."""
    if user.organization_id is None and not user.is_admin:
        raise ValidationError({"user": "This user belongs to no organization; attach one first."})
    membership = Membership.objects.select_for_update().filter(project=project, user=user).first()
    if membership is None:
        membership = Membership(project=project, user=user, role=role)
        changes = {"user": user.username, "role": role}
        action = "membership.added"
    else:
        changes = {"role": [membership.role, role]} if membership.role != role else {}
        membership.role = role
        action = "membership.changed"
    membership.full_clean(validate_constraints=False)
    membership.save()
    audit_record(actor=actor, action=action, obj=membership, project=project, changes=changes)
    return membership


@transaction.atomic
def token_get_or_create(*, user: User) -> Token:
    """The user's API token, created on first use."""
    token, created = Token.objects.get_or_create(user=user)
    if created:
        audit_record(actor=user, action="token.created", obj=user, changes={})
    return token


@transaction.atomic
def token_rotate(*, user: User) -> Token:
    """Replace the user's API token by a new one: the old key stops working at once."""
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    audit_record(actor=user, action="token.rotated", obj=user, changes={})
    return token


# ---------------------------------------------------------------------------------------------------------------
# Log-in throttle: every password check of the web form, the admin and the API token exchange goes through
# ``login_authenticate``. Failures are rows, so that all server processes see them.


class LoginLocked(Exception):
    """A username or client address is locked: every log-in is refused until ``until``, even a right one."""

    def __init__(self, until: dt.datetime):
        super().__init__(f"locked until {until.isoformat()}")
        self.until = until

    @property
    def retry_after(self) -> int:
        """Whole seconds until the lock ends (at least 1), for a Retry-After header."""
        return max(1, math.ceil((self.until - timezone.now()).total_seconds()))


def throttle_key(username: str) -> str:
    """The username as the throttle counts it: case and surrounding blanks do not make another username."""
    return (username or "").strip().casefold()[:150]


def client_ip(request) -> str | None:
    """The caller's address: the socket's peer, or behind a trusted proxy (``GOLIVE_BEHIND_PROXY``) the address
    that proxy appended last to X-Forwarded-For (earlier entries come from the client and prove nothing)."""
    candidate = request.META.get("REMOTE_ADDR", "")
    if settings.GOLIVE_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        candidate = forwarded or candidate
    try:
        return str(ipaddress.ip_address(candidate.strip()))
    except ValueError:
        return None


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.GOLIVE_LOGIN_LOCKOUT_MINUTES)


def login_lock_active(*, username: str, ip: str | None) -> LoginLock | None:
    """The lock that refuses this username or address now, if any (the one ending last)."""
    now = timezone.now()
    locks = LoginLock.objects.filter(scope=LoginLock.Scope.USERNAME, key=throttle_key(username))
    if ip:
        locks = locks | LoginLock.objects.filter(scope=LoginLock.Scope.IP, key=ip)
    return locks.filter(locked_until__gt=now).order_by("-locked_until").first()


def login_authenticate(*, request, username: str, password: str) -> User | None:
    """Check a password under the throttle: the user, or None for a wrong username or password (counted).

    Raises ``LoginLocked`` while the username or the caller's address is locked, before looking at the password, so
    that a lock also refuses the right one. A success clears the username's failures (not the address's: one
    valid account must not reset a sprayer's count)."""
    ip = client_ip(request)
    lock = login_lock_active(username=username, ip=ip)
    if lock is not None:
        raise LoginLocked(lock.locked_until)
    user = authenticate(request, username=username, password=password)
    if user is not None:
        failures = LoginFailure.objects.filter(username=throttle_key(username))
        if failures.exists():  # a read first: most log-ins have nothing to clear, and a delete takes the write lock
            failures.delete()
        return user
    login_failure_record(username=username, ip=ip)
    return None


@transaction.atomic
def login_failure_record(*, username: str, ip: str | None) -> list[LoginLock]:
    """Count a failed log-in; lock the username or the address that reached its limit within the window, and audit
    each new lock. Returns the locks it set."""
    now = timezone.now()
    since = now - _window()
    key = throttle_key(username)
    # Forget what fell out of the window, so the table stays as small as the recent failures.
    LoginFailure.objects.filter(at__lte=since).delete()
    LoginLock.objects.filter(locked_until__lte=now).delete()
    LoginFailure.objects.create(username=key, ip=ip, at=now)
    locks = []
    by_username = LoginFailure.objects.filter(username=key, at__gt=since).count()
    if by_username >= settings.GOLIVE_LOGIN_MAX_FAILURES:
        locks.append(_lock(LoginLock.Scope.USERNAME, key, now, by_username, ip))
    if ip:
        by_ip = LoginFailure.objects.filter(ip=ip, at__gt=since).count()
        if by_ip >= settings.GOLIVE_LOGIN_MAX_FAILURES_PER_IP:
            locks.append(_lock(LoginLock.Scope.IP, ip, now, by_ip, ip))
    return locks


def _lock(scope: str, key: str, now: dt.datetime, failures: int, ip: str | None) -> LoginLock:
    until = now + _window()
    try:
        with transaction.atomic():
            lock = LoginLock.objects.create(scope=scope, key=key, locked_until=until, created_at=now)
    except IntegrityError:  # another process locked it a moment ago: extend that lock
        lock = LoginLock.objects.select_for_update().get(scope=scope, key=key)
        lock.locked_until = until
        lock.save(update_fields=["locked_until"])
    audit_record(
        actor=None,
        action="login.locked",
        obj=lock,
        changes={"scope": scope, "key": key, "failures": failures, "ip": ip, "locked_until": until},
    )
    return lock


@transaction.atomic
def login_unlock(*, actor, username: str | None = None, ip: str | None = None) -> int:
    """Lift the lock of a username (and forget its failures) or of a client address: an administrator's remedy for
    a user locked out by someone else's guesses. Returns how many locks it lifted; each is audited."""
    if not username and not ip:
        raise ValidationError({"username": "Name a username or a client address to unlock."})
    locks = LoginLock.objects.none()
    if username:
        key = throttle_key(username)
        locks = locks | LoginLock.objects.filter(scope=LoginLock.Scope.USERNAME, key=key)
        LoginFailure.objects.filter(username=key).delete()
    if ip:
        try:
            ip = str(ipaddress.ip_address(ip.strip()))
        except ValueError:
            raise ValidationError({"ip": f"{ip!r} is not an IP address."}) from None
        locks = locks | LoginLock.objects.filter(scope=LoginLock.Scope.IP, key=ip)
        LoginFailure.objects.filter(ip=ip).delete()
    lifted = 0
    for lock in list(locks):
        audit_record(
            actor=actor,
            action="login.unlocked",
            obj=lock,
            changes={"scope": lock.scope, "key": lock.key, "locked_until": lock.locked_until},
        )
        lock.delete()
        lifted += 1
    return lifted
