"""Models of the assessment app: rules, the monthly ranking, subsidies, the year."""

from assessment.models.annual import AnnualAssessment, AnnualScore, Commendation
from assessment.models.ranking import (
    Appeal,
    Bulletin,
    MetricEvidence,
    MetricScore,
    MonthlyScore,
    RankingMonth,
)
from assessment.models.rules import MediationRate, RankingConfig, SubsidyRates
from assessment.models.subsidies import SubsidyItem, SubsidyPeriod

__all__ = [
    "AnnualAssessment",
    "AnnualScore",
    "Appeal",
    "Bulletin",
    "Commendation",
    "MediationRate",
    "MetricEvidence",
    "MetricScore",
    "MonthlyScore",
    "RankingConfig",
    "RankingMonth",
    "SubsidyItem",
    "SubsidyPeriod",
    "SubsidyRates",
]
