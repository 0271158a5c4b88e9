from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "golive.training"
    label = "training"
    verbose_name = "Training"

    def ready(self):
        from golive.training import criteria  # noqa: F401
