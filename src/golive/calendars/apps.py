from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "golive.calendars"
    label = "calendars"
    verbose_name = "Calendar feeds"
