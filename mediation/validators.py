"""Checks of mediation data: the 18-character 居民身份证号码 (GB 11643-1999) and the
list of dispute categories a mediator or lawyer specialises in."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.validators import normalize_code
from mediation.choices import DisputeCategory

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def id_check_char(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def normalize_id_number(value: Any) -> str:
    return normalize_code(value)


def validate_id_number(value: str) -> None:
    if not re.fullmatch(r"\d{17}[\dX]", value or ""):
        raise ValidationError(_("身份证号码应为 18 位（最后一位可以是 X）"), code="id_format")
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError as exc:
        raise ValidationError(_("身份证号码中的出生日期不正确"), code="id_birth") from exc
    if id_check_char(value[:17]) != value[17]:
        raise ValidationError(_("身份证号码校验位不正确，请核对"), code="id_check")


def validate_categories(value: Any) -> None:
    known = set(DisputeCategory.values)
    if not isinstance(value, list) or any(v not in known for v in value):
        raise ValidationError(_("专长领域须从纠纷类别中选择"), code="categories")


def category_labels(values: list[str]) -> str:
    labels = dict(DisputeCategory.choices)
    return "、".join(str(labels.get(v, v)) for v in values)
