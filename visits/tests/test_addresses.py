import pytest
from django.core.exceptions import ValidationError

from visits.addresses import Address, chinese_number, parse_address, parse_addresses

SAME = [
    "3幢2单元301室",
    "３栋２单元３０１",
    "3号楼2单元301",
    "3-2-301",
    "三幢二单元301室",
    " 3 幢 2 单元 301 ",
]


@pytest.mark.parametrize("text", SAME)
def test_spellings_of_one_household_are_one_key(text):
    assert parse_address(text) == Address("3", "2", "301")


def test_building_without_unit_and_estate_prefix():
    assert parse_address("十二幢301") == Address("12", "", "301")
    assert parse_address("馒头山小区3幢101") == Address("馒头山小区3", "", "101")
    assert parse_address("A座1502").label == "A幢1502室"


def test_chinese_numbers():
    assert [chinese_number(t) for t in ("三", "十", "十二", "二十", "一百零五")] == [
        3,
        10,
        12,
        20,
        105,
    ]


@pytest.mark.parametrize("text", ["", "我家", "3-", "1-2-3-4", "3幢"])
def test_unreadable_addresses_are_refused_in_chinese(text):
    with pytest.raises(ValidationError) as exc:
        parse_address(text)
    assert "门牌" in exc.value.messages[0] or "无法识别" in exc.value.messages[0]


def test_list_drops_duplicates_and_reports_every_bad_line():
    assert parse_addresses("3-2-301\n3幢2单元301室；5-1-1") == [
        Address("3", "2", "301"),
        Address("5", "1", "1"),
    ]
    with pytest.raises(ValidationError) as exc:
        parse_addresses("3-2-301\n乱写\n也乱写")
    assert [m[:5] for m in exc.value.messages] == ["第 2 户", "第 3 户"]
