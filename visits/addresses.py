"""Household addresses: 幢/单元/室 written many ways, normalised to one key.

A household counts once a year however often it is visited, so "3幢2单元301室",
"３栋２单元３０１", "3号楼2单元301" and "3-2-301" must be the same household.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMBER = re.compile(r"([〇零一二两三四五六七八九十百]+)(?=号楼|幢|栋|座|单元|室|号)")
_BUILDING_MARK = r"(?:号楼|幢|栋|座)"
_LABELLED = re.compile(
    rf"^(?P<b>.+){_BUILDING_MARK}(?:(?P<u>[^单]+?)单元)?(?P<r>[^幢栋座]+?)(?:室|房|号)?$"
)
_DASHES = str.maketrans({"—": "-", "–": "-", "－": "-", "/": "-", "、": "-", "_": "-"})

FORMAT_HINT = _("请按“3幢2单元301室”或“3-2-301”的格式填写")


@dataclass(frozen=True)
class Address:
    building: str
    unit: str
    room: str

    @property
    def label(self) -> str:
        unit = f"{self.unit}单元" if self.unit else ""
        return f"{self.building}幢{unit}{self.room}室"


def chinese_number(text: str) -> int:
    """一 … 九百九十九 as an integer (十二 = 12, 二十 = 20, 一百零五 = 105)."""
    if all(c in _DIGITS for c in text):
        return int("".join(str(_DIGITS[c]) for c in text))
    total, current = 0, 0
    for c in text:
        if c in _DIGITS:
            current = _DIGITS[c]
        elif c == "十":
            total += (current or 1) * 10
            current = 0
        elif c == "百":
            total += (current or 1) * 100
            current = 0
    return total + current


def _part(value: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if value.endswith(suffix) and len(value) > len(suffix):
            value = value[: -len(suffix)]
            break
    value = value.upper()
    return str(int(value)) if value.isdigit() else value


def parse_address(raw: str) -> Address:
    """One household address, normalised; ValidationError (Chinese) if unreadable."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw or "")).translate(_DASHES)
    text = _CN_NUMBER.sub(lambda m: str(chinese_number(m.group(1))), text).strip("-")
    if not text:
        raise ValidationError(_("门牌地址不能为空"))
    if "-" in text:
        parts = text.split("-")
        if len(parts) not in (2, 3) or not all(parts):
            raise ValidationError(
                _("无法识别“%(text)s”：%(hint)s") % {"text": raw, "hint": FORMAT_HINT}
            )
        building, unit, room = parts[0], parts[1] if len(parts) == 3 else "", parts[-1]
    else:
        match = _LABELLED.match(text)
        if match is None:
            raise ValidationError(
                _("无法识别“%(text)s”：%(hint)s") % {"text": raw, "hint": FORMAT_HINT}
            )
        building, unit, room = match["b"], match["u"] or "", match["r"]
    address = Address(
        building=_part(building, ("号楼", "幢", "栋", "座", "号")),
        unit=_part(unit, ("单元",)),
        room=_part(room, ("室", "房", "号")),
    )
    if len(address.building) > 60 or len(address.unit) > 10 or len(address.room) > 20:
        raise ValidationError(_("门牌地址“%(text)s”过长，请只填写幢、单元、室") % {"text": raw})
    return address


def parse_addresses(text: str) -> list[Address]:
    """One address per line (or separated by ；/;), duplicates dropped, order kept;
    every unreadable line reported at once."""
    lines = [line for line in re.split(r"[\n;；,，]+", text or "") if line.strip()]
    found: dict[Address, None] = {}
    errors = []
    for number, line in enumerate(lines, start=1):
        try:
            found[parse_address(line)] = None
        except ValidationError as exc:
            errors.append(_("第 %(n)s 户：%(msg)s") % {"n": number, "msg": exc.messages[0]})
    if errors:
        raise ValidationError(errors)
    return list(found)
