"""The 人民调解协议书 as a PDF. Chinese is set in reportlab's built-in CID font
STSong-Light, which PDF readers supply themselves: nothing to download or embed."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.masking import mask_id_number, mask_phone
from mediation.choices import OrgKind
from mediation.models import Agreement, Case

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

BODY = ParagraphStyle("body", fontName=FONT, fontSize=11.5, leading=19, wordWrap="CJK")
HEAD = ParagraphStyle("head", parent=BODY, fontSize=12, leading=20, spaceBefore=8)
TITLE = ParagraphStyle("title", parent=BODY, fontSize=20, leading=30, alignment=TA_CENTER)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=9.5, leading=14)


def _p(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _when(value: object) -> str:
    return timezone.localtime(value).strftime("%Y年%m月%d日 %H:%M") if value else "未确认"  # type: ignore[arg-type]


def agreement_pdf(case: Case, *, unmasked: bool = False) -> bytes:
    """The case's agreement (it must have one). Phones and ID numbers are masked
    unless ``unmasked`` (the case's own mediators)."""
    agreement = Agreement.objects.get(case_id=case.pk)
    parties = list(case.parties.all())
    confirmations = {c.party_id: c for c in agreement.confirmations.all()}
    mediators = "、".join(m.name for m in case.mediators.all())
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=22 * mm,
        bottomMargin=20 * mm,
        title=f"调解协议书 {case.case_number}",
        author=case.organization.name if case.organization else "尚法云",
    )
    # 人民调解 includes the 行业性专业性 committees; 行政调解 rooms are not 人民调解.
    people = case.organization is None or case.organization.kind != OrgKind.ADMINISTRATIVE
    title = "人民调解协议书" if people else "调解协议书"
    story: list = [
        _p(title, TITLE),
        _p(
            f"编号：{case.case_number}（第 {agreement.version} 版"
            + ("" if agreement.confirmed_at else "，草稿，待各方确认")
            + "）",
            SMALL,
        ),
        Spacer(1, 4 * mm),
    ]
    for party in parties:
        details = [f"{party.get_role_display()}：{party.name}"]
        if party.phone:
            details.append(f"联系电话：{party.phone if unmasked else mask_phone(party.phone)}")
        if party.id_number:
            shown = party.id_number if unmasked else mask_id_number(party.id_number)
            details.append(f"身份证号码：{shown}")
        if party.address:
            details.append(f"住址：{party.address}")
        story.append(_p("，".join(details)))
    story += [
        _p("纠纷类别：" + case.get_category_display(), HEAD),
        _p("纠纷主要事实、争议事项：", HEAD),
        _p(case.facts),
        _p("经调解，各方当事人自愿达成如下协议：", HEAD),
        _p(agreement.terms),
    ]
    if agreement.performance:
        story += [_p("履行方式、时限：", HEAD), _p(agreement.performance)]
    story += [
        _p("本协议经各方当事人在线确认（短信验证码）后生效，当事人应当按照约定履行。", HEAD),
    ]
    if people:
        story.append(
            _p(
                "经人民调解委员会调解达成的调解协议，具有法律约束力。当事人可以自调解协议"
                "生效之日起三十日内共同向人民法院申请司法确认。"
            )
        )
    story += [
        Spacer(1, 3 * mm),
    ]
    rows = [[_p("当事人"), _p("确认方式"), _p("确认时间")]]
    for party in parties:
        confirmation = confirmations.get(party.pk)
        rows.append(
            [
                _p(f"{party.get_role_display()} {party.name}"),
                _p("在线确认（短信验证码）"),
                _p(_when(confirmation.confirmed_at if confirmation else None)),
            ]
        )
    table = Table(rows, colWidths=[55 * mm, 50 * mm, 55 * mm])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey)]))
    story += [
        table,
        Spacer(1, 6 * mm),
        _p(f"调解组织：{case.organization.name if case.organization else ''}"),
        _p(f"调解员：{mediators}"),
        _p(f"协议生效日期：{_when(agreement.confirmed_at)}"),
    ]
    doc.build(story)
    return out.getvalue()
