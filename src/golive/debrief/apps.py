from django.apps import AppConfig


class DebriefConfig(AppConfig):
    name = "golive.debrief"
    label = "debrief"
    verbose_name = "Debrief"

    def ready(self):
        from golive.debrief import criteria  # noqa: F401
