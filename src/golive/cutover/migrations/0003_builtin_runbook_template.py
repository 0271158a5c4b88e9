"""Create the built-in runbook template "SaaS standard cutover". Data only: templates are data."""

from django.db import migrations


def step(ref, title, minutes, depends_on=(), offset=None, rollback=False, point_of_no_return=False):
    return {
        "ref": ref,
        "title": title,
        "description": "",
        "planned_minutes": minutes,
        "depends_on": list(depends_on),
        "rollback": rollback,
        "point_of_no_return": point_of_no_return,
        "start_offset_minutes": offset,
    }


STEPS = [
    step("FREEZE", "Announce the change freeze on the legacy system", 15, offset=-48 * 60),
    step("BACKUP", "Full backup of the legacy system", 60, ["FREEZE"], offset=-24 * 60),
    step("CONFIG", "Deploy the production configuration", 90, ["FREEZE"]),
    step("EXTRACT", "Final data extract from the legacy system", 120, ["BACKUP"]),
    step("LOAD", "Load the data into production", 180, ["EXTRACT", "CONFIG"]),
    step("RECON", "Customer reconciles the loaded data", 120, ["LOAD"]),
    step("INTEG", "Switch integrations to the production endpoints", 60, ["CONFIG"]),
    step("SMOKE", "Smoke tests in production", 60, ["RECON", "INTEG"]),
    step("SWITCH", "Switch users to the new system (SSO, links)", 30, ["SMOKE"], offset=-30, point_of_no_return=True),
    step("ANNOUNCE", "Announce the go-live to end users", 15, ["SWITCH"], offset=0),
    step("RB-ACCESS", "Rollback: restore access to the legacy system", 60, rollback=True),
    step("RB-INTEG", "Rollback: point integrations back to the legacy system", 45, ["RB-ACCESS"], rollback=True),
]


def create_template(apps, schema_editor):
    apps.get_model("cutover", "RunbookTemplate").objects.update_or_create(
        name="SaaS standard cutover",
        defaults={
            "description": "Freeze, backup, final extract and load, reconciliation, smoke tests, user switch "
            "(the point of no return) and the rollback plan.",
            "steps": STEPS,
        },
    )


def remove_template(apps, schema_editor):
    apps.get_model("cutover", "RunbookTemplate").objects.filter(name="SaaS standard cutover").delete()


class Migration(migrations.Migration):
    dependencies = [("cutover", "0002_runbook_test_reports_go_no_go")]

    operations = [migrations.RunPython(create_template, remove_template)]
