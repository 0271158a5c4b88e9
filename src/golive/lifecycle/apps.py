from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    name = "golive.lifecycle"
    label = "lifecycle"
    verbose_name = "Lifecycle"

    def ready(self):
        # Criteria owned by this app register themselves on import.
        from golive.lifecycle import criteria  # noqa: F401
