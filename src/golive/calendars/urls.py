from django.urls import path

from golive.calendars import views

urlpatterns = [
    path("calendar/<str:token>.ics", views.feed, name="calendar-feed"),
]
