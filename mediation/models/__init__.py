from mediation.models.cases import (
    Agreement,
    Case,
    CaseEvent,
    CaseFile,
    Confirmation,
    Message,
    Party,
    Session,
)
from mediation.models.register import MediationLawyer, Mediator, Organization

__all__ = [
    "Agreement",
    "Case",
    "CaseEvent",
    "CaseFile",
    "Confirmation",
    "MediationLawyer",
    "Mediator",
    "Message",
    "Organization",
    "Party",
    "Session",
]
