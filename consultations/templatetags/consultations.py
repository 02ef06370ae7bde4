"""``{% deadline question %}``: the time left or overdue, or whether the reply came
in time, as a badge every list shows."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


def _span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes >= 60:
        return f"{minutes // 60} 小时"
    return f"{max(minutes, 1)} 分钟"


def deadline_text(question: Any, now: datetime | None = None) -> tuple[str, str]:
    """(text, Bootstrap colour) for a question's service level."""
    now = now or timezone.now()
    if question.first_replied_at is not None:
        return ("按时答复", "success") if question.deadline_met else ("超时答复", "warning")
    if question.status == "closed":
        return "已结束", "secondary"
    left = question.reply_deadline - now
    if left.total_seconds() >= 0:
        return f"剩余 {_span(left)}", "danger" if left < timedelta(hours=4) else "primary"
    return f"已超时 {_span(-left)}", "danger"


@register.simple_tag
def deadline(question: Any) -> SafeString:
    text, colour = deadline_text(question)
    return format_html(
        '<span class="badge text-bg-{}" title="答复时限 {}">{}</span>',
        colour,
        timezone.localtime(question.reply_deadline).strftime("%Y-%m-%d %H:%M"),
        text,
    )
