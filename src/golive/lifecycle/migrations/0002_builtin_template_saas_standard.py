"""Create the built-in lifecycle template ``saas-standard`` (CONTRACT.md). Data only: templates are data."""

from django.db import migrations


def review_gate():
    return [{"code": "review_feedback_triaged", "label": "Review feedback triaged"}]


SAAS_STANDARD = {
    "settings": {
        "hypercare_days": 14,
        "go_live_phase": "hypercare",
        "alpha_progress_percent": 60,
        "beta_progress_percent": 90,
        "hypercare_quiet_business_days": 3,
        "uat_min_pass_rate": 95,
    },
    "phases": [
        {"key": "kickoff", "name": "Kickoff", "duration_days": 7, "gate": [
            {"code": "kickoff_meeting_held", "label": "Kickoff meeting held"},
            {"code": "requirements_captured", "label": "Initial requirements captured"},
        ]},
        {"key": "alpha_review", "name": "Alpha review", "duration_days": 28, "gate": review_gate()},
        {"key": "beta_review", "name": "Beta review", "duration_days": 21, "gate": review_gate()},
        {"key": "uat", "name": "UAT", "duration_days": 14, "gate": [
            {"code": "signoff_approved", "label": "Customer lead approved the UAT sign-off",
             "params": {"role": "customer_lead"}},
            {"code": "uat_critical_scenarios_passed", "label": "Every critical scenario passed in the latest cycle"},
            {"code": "uat_min_pass_rate", "label": "UAT pass rate reached", "params": {"percent": 95}},
            {"code": "no_open_p1_p2", "label": "No open P1 or P2 issue"},
        ]},
        {"key": "training", "name": "Training", "duration_days": 7, "gate": [
            {"code": "training_coverage_met", "label": "Training coverage met"},
        ]},
        {"key": "deployment", "name": "Deployment", "duration_days": 7, "gate": [
            {"code": "golive_recorded", "label": "Go-live recorded"},
        ]},
        {"key": "hypercare", "name": "Hypercare", "duration_days": 14, "gate": [
            {"code": "hypercare_window_elapsed", "label": "Planned hypercare window elapsed"},
            {"code": "no_open_p1_p2", "label": "No open P1 or P2 issue"},
            {"code": "no_recent_p1_p2", "label": "No new P1 or P2 in the last 3 business days",
             "params": {"business_days": 3}},
            {"code": "signoff_approved", "label": "Customer lead approved the hypercare exit",
             "params": {"role": "customer_lead"}},
        ]},
        {"key": "debrief", "name": "Debrief", "duration_days": 7, "gate": [
            {"code": "report_published", "label": "Project report published"},
        ]},
    ],
    "review_round": {"duration_days": 14, "gate": review_gate()},
}


def create_template(apps, schema_editor):
    LifecycleTemplate = apps.get_model("lifecycle", "LifecycleTemplate")
    LifecycleTemplate.objects.update_or_create(
        key="saas-standard",
        defaults={
            "name": "SaaS standard",
            "description": "Kickoff, alpha and beta reviews, UAT, training, deployment, hypercare and debrief.",
            "definition": SAAS_STANDARD,
            "is_builtin": True,
        },
    )


def remove_template(apps, schema_editor):
    apps.get_model("lifecycle", "LifecycleTemplate").objects.filter(key="saas-standard", projects=None).delete()


class Migration(migrations.Migration):
    dependencies = [("lifecycle", "0001_initial")]

    operations = [migrations.RunPython(create_template, remove_template)]
