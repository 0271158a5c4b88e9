"""Translated names of the codes the web UI shows (health, hypercare state, roles).

Names stored as data (the built-in template's phase names and gate labels) are marked for translation in
``golive.lifecycle.labels``; templates translate them at render time with the ``label`` filter.
"""

from django.utils.translation import gettext_lazy as _

HEALTH_LABELS = {
    "on_track": _("On track"),
    "at_risk": _("At risk"),
    "late": _("Late"),
    "closed": _("Closed"),
}

HYPERCARE_LABELS = {
    "not_started": _("Not started"),
    "active": _("Active"),
    "extended": _("Extended"),
    "exited": _("Exited"),
    "skipped": _("Skipped"),
}

ROLE_LABELS = {
    "admin": _("Administrator"),
    "consultant_lead": _("Consultant lead"),
    "consultant": _("Consultant"),
    "customer_lead": _("Customer lead"),
    "customer_member": _("Customer member"),
    "support": _("Support"),
}
