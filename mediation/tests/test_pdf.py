"""The 调解协议书 PDF: valid, in the built-in Chinese font, with the parties' names;
ID numbers masked except for the case's mediators."""

from __future__ import annotations

import io

import pypdf

from mediation import services
from mediation.choices import CaseStatus, PartyRole
from mediation.pdf import FONT, agreement_pdf
from mediation.tests.conftest import ID_NUMBER, advance, applied


def _text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "".join(page.extract_text() for page in reader.pages)


def _case(world, setup):
    parties = [
        services.PartyDraft(PartyRole.APPLICANT, "王居民", world.resident.phone, ID_NUMBER, True),
        services.PartyDraft(PartyRole.RESPONDENT, "李四", setup.respondent.phone),
    ]
    return advance(world, setup, applied(world, setup, parties=parties), CaseStatus.AGREED)


def test_the_pdf_is_valid_chinese_and_names_the_parties(world, setup, sms_outbox):
    case = _case(world, setup)
    data = agreement_pdf(case)
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert FONT.encode() in data  # reportlab's CID font: no font file to download
    text = _text(data)
    assert "人民调解协议书" in text
    assert "王居民" in text and "李四" in text
    assert case.case_number in text
    assert "李四于十日内赔偿王居民维修费" in text
    assert "在线确认" in text and "未确认" not in text
    assert ID_NUMBER not in text and "1101**********002X" in text


def test_the_case_mediator_gets_the_id_number_in_full(world, setup, sms_outbox):
    case = _case(world, setup)
    assert ID_NUMBER in _text(agreement_pdf(case, unmasked=True))


def test_a_draft_says_so(world, setup, sms_outbox):
    case = advance(world, setup, applied(world, setup), CaseStatus.MEDIATING)
    services.draft_agreement(actor=setup.m1.user, case=case, terms="双方和解，互不追究任何责任。")
    assert "待各方确认" in _text(agreement_pdf(case))
