from django.apps import AppConfig


class CutoverConfig(AppConfig):
    name = "golive.cutover"
    label = "cutover"
    verbose_name = "Cutover"

    def ready(self):
        from golive.cutover import criteria  # noqa: F401
