from django.apps import AppConfig


class UatConfig(AppConfig):
    name = "golive.uat"
    label = "uat"
    verbose_name = "UAT"

    def ready(self):
        from golive.uat import criteria, evidence  # noqa: F401
