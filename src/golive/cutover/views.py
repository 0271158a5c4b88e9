"""HTML pages of the deployment week (being written)."""

from django.http import Http404


def _pending(request, key, **kwargs):
    raise Http404


cutover_board = runbook_csv = step_action = test_reports = test_report_manual = test_report_detail = _pending
go_no_go = go_no_go_vote = go_no_go_decide = _pending
