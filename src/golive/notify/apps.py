from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "golive.notify"
    label = "notify"
    verbose_name = "Notifications and integrations"

    def ready(self):
        from golive.notify import tasks  # noqa: F401  (registers the background tasks)
