from django.contrib import admin

from golive.accounts.forms import AdminLoginForm
from golive.accounts.models import LoginLock, Membership, Organization, User
from golive.admin_mixins import ReadOnlyAdmin

# The admin's log-in page checks passwords under the same throttle as the web UI and the API.
admin.site.login_form = AdminLoginForm


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    list_display = ["slug", "name", "kind", "timezone"]
    list_filter = ["kind"]
    search_fields = ["slug", "name"]


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ["username", "email", "organization", "is_admin", "is_active", "last_login"]
    list_filter = ["is_admin", "is_active", "organization"]
    search_fields = ["username", "email", "first_name", "last_name"]
    exclude = ["password"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["project", "user", "role"]
    list_filter = ["role"]
    search_fields = ["project__key", "user__username"]


@admin.register(LoginLock)
class LoginLockAdmin(ReadOnlyAdmin):
    list_display = ["scope", "key", "locked_until", "created_at"]
    list_filter = ["scope"]
    search_fields = ["key"]
