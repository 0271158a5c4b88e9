from django.contrib import admin

from golive.admin_mixins import ReadOnlyAdmin
from golive.calendars.models import CalendarFeed


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyAdmin):
    list_display = ["user", "created_at", "revoked_at"]
    list_select_related = ["user"]
    exclude = ["token"]
