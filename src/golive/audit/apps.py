from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "golive.audit"
    label = "audit"
    verbose_name = "Audit log"
