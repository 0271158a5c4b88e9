from django.urls import path

from golive.web import views

app_name = "web"

urlpatterns = [
    path("", views.portfolio, name="portfolio"),
]
