"""Users, organizations and project membership: who may see and do what."""

from __future__ import annotations

import zoneinfo

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def validate_timezone(value: str) -> None:
    """Accept only IANA time zone names (``Asia/Seoul``), which business calendars rely on."""
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(value)s is not a known time zone (use an IANA name like Asia/Seoul)."),
            params={"value": value},
            code="invalid_timezone",
        )


class Organization(models.Model):
    """The vendor running implementations, or a customer being implemented."""

    class Kind(models.TextChoices):
        VENDOR = "vendor", _("Vendor")
        CUSTOMER = "customer", _("Customer")

    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person signing in. ``is_admin`` marks a vendor administrator, who sees every project."""

    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        KOREAN = "ko", _("Korean")

    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    is_admin = models.BooleanField(default=False, help_text=_("Vendor administrator: sees and manages everything."))
    language = models.CharField(max_length=8, choices=Language.choices, blank=True)

    objects = UserManager()

    class Meta:
        ordering = ["username"]

    @property
    def is_vendor_side(self) -> bool:
        return self.is_admin or (self.organization is not None and self.organization.kind == Organization.Kind.VENDOR)

    @property
    def timezone(self) -> str:
        return self.organization.timezone if self.organization else "UTC"


class Role(models.TextChoices):
    """Roles a user holds on one project (CONTRACT.md, Roles)."""

    CONSULTANT_LEAD = "consultant_lead", _("Consultant lead")
    CONSULTANT = "consultant", _("Consultant")
    CUSTOMER_LEAD = "customer_lead", _("Customer lead")
    CUSTOMER_MEMBER = "customer_member", _("Customer member")
    SUPPORT = "support", _("Support")


VENDOR_ROLES = frozenset({Role.CONSULTANT_LEAD, Role.CONSULTANT, Role.SUPPORT})
CUSTOMER_ROLES = frozenset({Role.CUSTOMER_LEAD, Role.CUSTOMER_MEMBER})


class Membership(models.Model):
    """A user's role on a project. Without one, a non-administrator does not see the project."""

    project = models.ForeignKey("lifecycle.Project", on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project_id", "user__username"]
        constraints = [models.UniqueConstraint(fields=["project", "user"], name="membership_unique_user_per_project")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.project_id} ({self.role})"

    def clean(self) -> None:
        organization = self.user.organization if self.user_id else None
        if self.user_id and self.role:
            if organization is not None and organization.kind == Organization.Kind.CUSTOMER:
                if self.role not in CUSTOMER_ROLES:
                    raise ValidationError({"role": _("A customer user can only be customer_lead or customer_member.")})
                if self.project_id and organization.pk != self.project.customer_id:
                    raise ValidationError({"user": _("This user belongs to another customer organization.")})
            elif self.role in CUSTOMER_ROLES and organization is not None:
                raise ValidationError({"role": _("Customer roles are for users of the project's customer.")})


class LoginFailure(models.Model):
    """One failed log-in (web form, API token exchange or admin), kept for the throttle window. Rows live in the
    database so that every server process counts the same failures; unknown usernames count like known ones."""

    username = models.CharField(max_length=150)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["username", "at"], name="loginfailure_username_at"),
            models.Index(fields=["ip", "at"], name="loginfailure_ip_at"),
            models.Index(fields=["at"], name="loginfailure_at"),
        ]

    def __str__(self) -> str:
        return f"{self.username} from {self.ip} at {self.at:%Y-%m-%d %H:%M:%S}"


class LoginLock(models.Model):
    """A username or a client address refused every log-in, even with the right password, until ``locked_until``."""

    class Scope(models.TextChoices):
        USERNAME = "username", _("Username")
        IP = "ip", _("Client address")

    scope = models.CharField(max_length=16, choices=Scope.choices)
    key = models.CharField(max_length=150)
    locked_until = models.DateTimeField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="loginlock_unique_scope_key")]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.key} until {self.locked_until:%Y-%m-%d %H:%M}"
