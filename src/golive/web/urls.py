"""Routes of the web UI, all under the ``web`` namespace; project pages come from the apps that own them."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from golive.accounts import views as accounts_views
from golive.audit import views as audit_views
from golive.lifecycle import views as lifecycle_views

app_name = "web"

urlpatterns = [
    path("", lifecycle_views.portfolio, name="portfolio"),
    # Portfolio: what needs me today, cross-project figures
    path("today/", lifecycle_views.today, name="today"),
    path("portfolio/figures/", lifecycle_views.portfolio_figures, name="portfolio-figures"),
    path("login/", accounts_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("projects/<str:key>/", include("golive.lifecycle.urls")),
    path("projects/<str:key>/audit/", audit_views.project_audit, name="project-audit"),
    path("projects/<str:key>/issues/", include("golive.tracker.urls")),
    path("projects/<str:key>/hypercare/", include("golive.hypercare.urls")),
    path("projects/<str:key>/", include("golive.engagement.urls")),
    path("projects/<str:key>/training/", include("golive.training.urls")),
    path("projects/<str:key>/uat/", include("golive.uat.urls")),
    path("projects/<str:key>/cutover/", include("golive.cutover.urls")),
    path("projects/<str:key>/debrief/", include("golive.debrief.urls")),
    path("", include("golive.notify.urls")),
]
