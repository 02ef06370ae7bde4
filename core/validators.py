"""Validators and normalizers for the identifiers that real spreadsheets carry."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def normalize_text(value: object) -> str:
    """Full-width to half-width (NFKC), stray and non-breaking spaces removed at ends."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return text.replace("\u200b", "").strip()


def normalize_code(value: object) -> str:
    """Identifiers: NFKC, all white space removed, upper case; ``1.3e16``-style floats
    and ``123.0`` from Excel numbers turned back into digits."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = re.sub(r"\s+", "", normalize_text(value)).upper()
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".")[0]
    return text


PHONE_RE = re.compile(r"^1[3-9]\d{9}$")


def normalize_phone(value: object) -> str:
    text = normalize_code(value).replace("-", "")
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    return text


def validate_phone(value: str) -> None:
    if not PHONE_RE.match(value or ""):
        raise ValidationError(_("手机号格式不正确，应为 11 位中国大陆手机号"), code="phone")


# GB 32100-2015: 18 characters from this alphabet (no I, O, S, V, Z); the last is a
# check character computed from the first 17 with these weights, modulo 31.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> None:
    if len(value or "") != 18:
        raise ValidationError(_("统一社会信用代码应为 18 位"), code="uscc_length")
    if any(c not in USCC_ALPHABET for c in value):
        raise ValidationError(
            _("统一社会信用代码含有无效字符（只能是数字和除 I、O、S、V、Z 以外的大写字母）"),
            code="uscc_chars",
        )
    if uscc_check_char(value[:17]) != value[17]:
        raise ValidationError(_("统一社会信用代码校验位不正确，请核对"), code="uscc_check")


# 律师执业证号 (Ministry of Justice numbering): 17 digits —
# 1: certificate kind (1 = 律师执业证); 2-3: province; 4-5: city; 6-9: year first
# licensed; 10: practice category (1 专职, 2 兼职, 3-5 港澳台, 6 公职, 7 公司, 8 法律援助,
# 9 军队); 11: gender; 12-17: serial number.
LICENSE_RE = re.compile(r"^\d{17}$")


def license_year(value: str) -> int:
    return int(value[5:9])


def validate_license_no(value: str) -> None:
    if not LICENSE_RE.match(value or ""):
        raise ValidationError(_("律师执业证号应为 17 位数字"), code="license_format")
    if value[0] != "1":
        raise ValidationError(_("律师执业证号第 1 位应为 1（律师执业证）"), code="license_kind")
    year = license_year(value)
    if not 1979 <= year <= date.today().year:
        raise ValidationError(
            _("律师执业证号第 6–9 位（首次执业年份）%(year)s 不合理"),
            code="license_year",
            params={"year": year},
        )
    if value[9] == "0":
        raise ValidationError(
            _("律师执业证号第 10 位（执业类别）不能为 0"), code="license_category"
        )


def years_between(start: date, end: date) -> int:
    """Whole years from start to end (an anniversary counts on its day)."""
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return max(years, 0)
