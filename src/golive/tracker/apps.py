from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "golive.tracker"
    label = "tracker"
    verbose_name = "Issue tracker"

    def ready(self):
        from golive.tracker import criteria  # noqa: F401
