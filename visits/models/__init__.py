"""Models of the visits app: plans, visit records, service days, reports, meetings."""

from visits.models.meetings import Meeting, MeetingAttachment
from visits.models.plans import DistrictGoal, PlanMonth, VisitPlan
from visits.models.records import (
    Household,
    HouseholdReach,
    Visit,
    VisitHousehold,
    VisitMonth,
    VisitPhoto,
)
from visits.models.reports import MonthlyReport, Notice
from visits.models.service_days import ServiceDay, ServiceDayCheckin, ServiceDaySignup

__all__ = [
    "DistrictGoal",
    "Household",
    "HouseholdReach",
    "Meeting",
    "MeetingAttachment",
    "MonthlyReport",
    "Notice",
    "PlanMonth",
    "ServiceDay",
    "ServiceDayCheckin",
    "ServiceDaySignup",
    "Visit",
    "VisitHousehold",
    "VisitMonth",
    "VisitPhoto",
    "VisitPlan",
]
