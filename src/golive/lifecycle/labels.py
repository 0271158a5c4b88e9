"""Labels of the built-in template's gate criteria, marked so that the Korean catalog translates them.

The template itself is data (a migration); ``gates`` translates a template label at evaluation time.
"""

from django.utils.translation import gettext_noop

BUILTIN_LABELS = [
    gettext_noop("Kickoff meeting held"),
    gettext_noop("Initial requirements captured"),
    gettext_noop("Review feedback triaged"),
    gettext_noop("Customer lead approved the UAT sign-off"),
    gettext_noop("Every critical scenario passed in the latest cycle"),
    gettext_noop("UAT pass rate reached"),
    gettext_noop("No open P1 or P2 issue"),
    gettext_noop("Training coverage met"),
    gettext_noop("Go-live recorded"),
    gettext_noop("Planned hypercare window elapsed"),
    gettext_noop("No new P1 or P2 in the last 3 business days"),
    gettext_noop("Customer lead approved the hypercare exit"),
    gettext_noop("Project report published"),
    gettext_noop("Kickoff"),
    gettext_noop("Alpha review"),
    gettext_noop("Beta review"),
    gettext_noop("UAT"),
    gettext_noop("Training"),
    gettext_noop("Deployment"),
    gettext_noop("Hypercare"),
    gettext_noop("Debrief"),
]
