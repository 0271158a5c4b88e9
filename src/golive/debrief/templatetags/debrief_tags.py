"""``{% carried_over_actions project %}``: the open retro actions of the team's earlier projects, for the
overview of a project that is still running (shown first thing at its kickoff). One query."""

from django import template

from golive.debrief.selectors import carried_over_actions as carried_over

register = template.Library()

SHOWN = 10


@register.inclusion_tag("debrief/_carried_over.html", takes_context=True)
def carried_over_actions(context, project):
    request = context.get("request")
    user = getattr(request, "user", None)
    if project is None or user is None or project.status != "active":
        return {"actions": []}
    return {"actions": list(carried_over(project=project, user=user)[:SHOWN])}
