from django.apps import AppConfig


class HypercareConfig(AppConfig):
    name = "golive.hypercare"
    label = "hypercare"
    verbose_name = "Hypercare"

    def ready(self):
        from golive.hypercare import criteria  # noqa: F401
