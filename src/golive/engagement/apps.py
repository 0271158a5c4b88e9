from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "golive.engagement"
    label = "engagement"
    verbose_name = "Engagement"

    def ready(self):
        from golive.engagement import criteria  # noqa: F401
