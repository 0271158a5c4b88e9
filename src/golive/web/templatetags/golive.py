"""Template filters of the web UI: translated labels for data and codes."""

import json

from django import template
from django.utils.translation import gettext

from golive.web.labels import HEALTH_LABELS, HYPERCARE_LABELS, ROLE_LABELS

register = template.Library()


@register.filter
def label(value):
    """Translate a stored label (phase name, gate criterion) when a translation exists, else show it as is."""
    if value is None or value == "":
        return value
    return gettext(str(value))


@register.filter
def health_label(value):
    return HEALTH_LABELS.get(value, value)


@register.filter
def hypercare_label(value):
    return HYPERCARE_LABELS.get(value, value)


@register.filter
def role_label(value):
    return ROLE_LABELS.get(value, value)


@register.filter
def as_json(value):
    """Compact, readable JSON of a stored value (Korean text kept as is, not escaped to \\uXXXX)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


@register.filter
def pct(value):
    """A percentage as a whole number from 0 to 100, naming one of golive.css's fixed ``pct-N`` (width) and
    ``at-N`` (position) classes: the Content-Security-Policy refuses inline ``style`` attributes."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0
    if number != number:  # NaN
        return 0
    return max(0, min(100, round(number)))
