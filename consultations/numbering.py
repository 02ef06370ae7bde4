"""One case number (一案一编码) for questions, paid services and, later, mediation.

Format: ``{PREFIX}-{DISTRICT}-{YYYYMMDD}-{SEQ}``, e.g. ``ZX-330102-20261128-000123``:

- PREFIX: the kind, 2–4 capital letters (ZX 咨询, FW 有偿服务; mediation will use TJ);
- DISTRICT: the district's administrative division code (行政区划代码);
- YYYYMMDD: the day the case was opened, Asia/Shanghai;
- SEQ: six digits, from 000001, counted per kind, district and day.

A case keeps its number as it moves on (a paid service asked from a question carries
the question's number), so one number leads through the whole story.
"""

from __future__ import annotations

import re
from datetime import date

from django.db import transaction

from consultations.models import CaseCounter

QUESTION_PREFIX = "ZX"
SERVICE_PREFIX = "FW"
CASE_NUMBER_RE = re.compile(r"^[A-Z]{2,4}-\d{6,12}-\d{8}-\d{6}$")


@transaction.atomic
def next_case_number(kind_prefix: str, district_code: str, today: date) -> str:
    """The next number of the day. The counter row is locked (SELECT ... FOR UPDATE on
    PostgreSQL; SQLite serializes writers), so concurrent callers never share one."""
    if not re.fullmatch(r"[A-Z]{2,4}", kind_prefix):
        raise ValueError(f"bad case number prefix: {kind_prefix!r}")
    CaseCounter.objects.get_or_create(prefix=kind_prefix, district_code=district_code, day=today)
    counter = CaseCounter.objects.select_for_update().get(
        prefix=kind_prefix, district_code=district_code, day=today
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{kind_prefix}-{district_code}-{today:%Y%m%d}-{counter.last:06d}"
