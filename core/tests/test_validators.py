from datetime import date

import pytest
from django.core.exceptions import ValidationError

from core.masking import mask_id_number, mask_name, mask_phone
from core.validators import (
    normalize_code,
    normalize_phone,
    normalize_text,
    uscc_check_char,
    validate_license_no,
    validate_phone,
    validate_uscc,
    years_between,
)


def test_uscc_known_examples():
    # Published example codes whose check characters are known.
    validate_uscc("91110000802100433B")
    validate_uscc("11100000000013127D")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "uscc_length"),
        ("91110000802100433", "uscc_length"),
        ("91110000802100433C", "uscc_check"),
        ("9111000080210043IB", "uscc_chars"),
        ("91110000802100433b", "uscc_chars"),
    ],
)
def test_uscc_rejects(value, code):
    with pytest.raises(ValidationError) as exc:
        validate_uscc(value)
    assert exc.value.code == code


def test_uscc_check_char_round_trip():
    body = "31330000123456789"
    validate_uscc(body + uscc_check_char(body))


def test_license_number():
    validate_license_no("13301201110405849")
    for bad, code in [
        ("1330120111040584", "license_format"),
        ("1330120111040584X", "license_format"),
        ("23301201110405849", "license_kind"),
        ("13301197010405849", "license_year"),
        ("13301209910405849", "license_year"),
        ("13301201100405849", "license_category"),
    ]:
        with pytest.raises(ValidationError) as exc:
            validate_license_no(bad)
        assert exc.value.code == code, bad


def test_messages_are_chinese():
    with pytest.raises(ValidationError) as exc:
        validate_phone("12345")
    assert "手机号" in exc.value.messages[0]


def test_normalizers_handle_spreadsheet_values():
    assert normalize_text("  清波社区\u3000") == "清波社区"
    assert normalize_code("９１１１ ０００") == "9111000"
    assert normalize_code(13912345678.0) == "13912345678"
    assert normalize_code("123.0") == "123"
    assert normalize_code("abc") == "ABC"
    assert normalize_phone("+86 139-1234-5678") == "13912345678"
    assert normalize_phone("８６13912345678") == "13912345678"


def test_years_between_counts_whole_years():
    assert years_between(date(2015, 6, 1), date(2020, 5, 31)) == 4
    assert years_between(date(2015, 6, 1), date(2020, 6, 1)) == 5
    assert years_between(date(2030, 1, 1), date(2020, 1, 1)) == 0


def test_masking():
    assert mask_phone("13912345678") == "139****5678"
    assert mask_id_number("330102199001011234") == "3301**********1234"
    assert mask_name("王小明") == "王**"
    assert mask_phone("") == ""
