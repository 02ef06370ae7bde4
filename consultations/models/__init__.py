from consultations.models.duty import DutyShift, DutySwapRequest, DutyUnavailability
from consultations.models.questions import (
    CaseCounter,
    Category,
    KnowledgeEntry,
    Notice,
    Question,
    QuestionAssignment,
    QuestionAttachment,
    Reply,
)
from consultations.models.quotes import ServiceRequest

__all__ = [
    "CaseCounter",
    "Category",
    "DutyShift",
    "DutySwapRequest",
    "DutyUnavailability",
    "KnowledgeEntry",
    "Notice",
    "Question",
    "QuestionAssignment",
    "QuestionAttachment",
    "Reply",
    "ServiceRequest",
]
