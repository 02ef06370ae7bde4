"""The assessment pages, gathered: ranking and appeals, bulletins, the annual
assessment and commendations, subsidies, dashboards."""

from assessment import (
    views_annual,
    views_bulletins,
    views_dashboard,
    views_ranking,
    views_subsidies,
)

urlpatterns = [
    *views_ranking.urlpatterns,
    *views_bulletins.urlpatterns,
    *views_annual.urlpatterns,
    *views_subsidies.urlpatterns,
    *views_dashboard.urlpatterns,
]
