"""Pages of the visits app; each module keeps its own URL patterns."""

from visits import views_days, views_meetings, views_plans, views_records, views_reports

urlpatterns = [
    *views_records.urlpatterns,
    *views_plans.urlpatterns,
    *views_reports.urlpatterns,
    *views_days.urlpatterns,
    *views_meetings.urlpatterns,
]
