import io
from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from core import excel
from core.excel import (
    Column,
    ExcelFileError,
    RowError,
    build_workbook,
    cell_text,
    header_key,
    parse_bool,
    parse_code,
    parse_count,
    parse_date,
    parse_list,
    parse_name,
    parse_phone,
    read_sheet,
    template_workbook,
)


def make_xlsx(
    rows: list[list],
    *,
    title: str | None = None,
    name: str = "导入.xlsx",
    extra_title_rows: int = 0,
) -> SimpleUploadedFile:
    """An uploaded .xlsx: optional merged title row(s) above ``rows`` (header first)."""
    wb = Workbook()
    ws = wb.active
    width = max((len(r) for r in rows), default=1)
    if title is not None:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(width, 2))
        for _ in range(extra_title_rows):
            ws.append([])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type=excel.XLSX_TYPE)


COLUMNS = (
    Column("name", "名称", ("单位名称",), required=True, parse=parse_name),
    Column("code", "代码", parse=parse_code, text=True),
    Column("count", "数量", parse=parse_count, default=0),
    Column("flag", "是否启用（是/否）", parse=parse_bool, default=False, choices=("是", "否")),
    Column("day", "日期", parse=parse_date, default=None),
)


# --- cells and parsers --------------------------------------------------------------


def test_cell_text_normalises_what_spreadsheets_contain():
    assert cell_text("３１３３ＡＢ") == "3133AB"
    assert cell_text("  清波街  1 号 ") == "清波街 1 号"
    assert cell_text("Li\u3000 Lei ") == "Li Lei"
    assert parse_name("  王  五 ") == parse_name("王\u3000五") == "王五"
    assert (
        parse_name(" 浙江 尚法 律师事务所 (Hangzhou  Office)")
        == "浙江尚法律师事务所(Hangzhou Office)"
    )
    assert cell_text(123.0) == "123"
    assert cell_text(12.5) == "12.5"
    assert cell_text(None) == ""
    assert cell_text(datetime(2015, 3, 1, 8, 0)) == "2015-03-01"
    # Chinese punctuation is kept: official names use it.
    assert cell_text("某某律师事务所（上城分所）") == "某某律师事务所（上城分所）"


def test_header_key_ignores_spaces_marks_and_notes():
    assert header_key(" 街道 名称* ") == "街道名称"
    assert header_key("党员（是/否）") == header_key("党员(是/否)") == "党员"
    assert header_key("ＵＳＣＣ") == "uscc"


def test_parse_code_keeps_digits_and_refuses_floats_that_lost_them():
    assert parse_code("３３０１０２ ") == "330102"
    assert parse_code(330102.0) == "330102"
    assert parse_code(13301201010000123) == "13301201010000123"
    assert parse_code(" 31330000md0000000x") == "31330000MD0000000X"
    with pytest.raises(ValidationError, match="15 位"):
        parse_code(1.3301201010000123e16)


def test_parse_phone_accepts_floats_text_and_full_width():
    assert parse_phone(13912345678.0) == "13912345678"
    assert parse_phone("１３９ １２３４ ５６７８") == "13912345678"
    assert parse_phone("+86 139-1234-5678") == "13912345678"
    with pytest.raises(ValidationError, match="手机号"):
        parse_phone("0571-8700000")


@pytest.mark.parametrize("value", [1200, 1200.0, "1200", "1,200", "１２００", " 1200.0 "])
def test_parse_count_accepts(value):
    assert parse_count(value) == 1200


@pytest.mark.parametrize("value", [-1, 12.5, "约1000", "1千", True])
def test_parse_count_refuses(value):
    with pytest.raises(ValidationError, match="整数"):
        parse_count(value)


@pytest.mark.parametrize("value", ["是", "Y", "y", "yes", "1", 1, 1.0, "√", True, "ｙ"])
def test_parse_bool_true(value):
    assert parse_bool(value) is True


@pytest.mark.parametrize("value", ["否", "N", "no", "0", 0, "×", False])
def test_parse_bool_false(value):
    assert parse_bool(value) is False


def test_parse_bool_refuses_other_words():
    with pytest.raises(ValidationError, match=r"是.*否"):
        parse_bool("可能")


@pytest.mark.parametrize(
    "value",
    [
        datetime(2015, 3, 1),
        date(2015, 3, 1),
        "2015-03-01",
        "2015/3/1",
        "2015.3.1",
        "2015年3月1日",
        "２０１５年３月１日",
        "2015-03-01 00:00:00",
        "20150301",
        20150301,
        42064,  # the Excel serial number of 2015-03-01
    ],
)
def test_parse_date_accepts(value):
    assert parse_date(value) == date(2015, 3, 1)


@pytest.mark.parametrize("value", ["2015-02-30", "明年", "2015", 2015, "3/1/2015"])
def test_parse_date_refuses(value):
    with pytest.raises(ValidationError, match="日期格式"):
        parse_date(value)


def test_parse_list_splits_on_chinese_and_western_separators():
    assert parse_list("婚姻家庭、劳动争议,合同纠纷，刑事辩护;公司；婚姻家庭") == [
        "婚姻家庭",
        "劳动争议",
        "合同纠纷",
        "刑事辩护",
        "公司",
    ]


# --- reading a sheet ----------------------------------------------------------------


def test_read_sheet_finds_the_header_below_merged_title_rows_in_any_column_order():
    upload = make_xlsx(
        [
            ["序号", "代码", " 单位 名称 ", "数量", "是否启用(是/否)"],
            [1, "３３０１０２", " 清波 ", "1,200", "是"],
            [2, None, None, None, None],  # only the pre-filled 序号: skipped
            [3, 330103.0, "湖滨", 800.0, "否"],
        ],
        title="2026 年名单（盖章版）",
        extra_title_rows=1,
    )
    sheet = read_sheet(upload, COLUMNS)
    assert sheet.errors == []
    assert sheet.header_row == 3
    assert sheet.present == {"code": "B", "name": "C", "count": "D", "flag": "E"}
    assert [(r.number, r.values) for r in sheet.rows] == [
        (4, {"code": "330102", "name": "清波", "count": 1200, "flag": True}),
        (6, {"code": "330103", "name": "湖滨", "count": 800, "flag": False}),
    ]


def test_read_sheet_reports_each_bad_cell_with_row_and_column():
    upload = make_xlsx(
        [
            ["名称", "数量", "日期"],
            ["甲", "很多", "2015-13-01"],
            ["", 3, None],
            ["乙", 4, "2015/3/1"],
        ]
    )
    sheet = read_sheet(upload, COLUMNS)
    assert [(e.row, e.column, e.letter) for e in sheet.errors] == [
        (2, "数量", "B"),
        (2, "日期", "C"),
        (3, "名称", "A"),
    ]
    assert "必填" in sheet.errors[2].message
    assert [r.number for r in sheet.rows] == [4]


def test_formula_errors_are_reported():
    sheet = read_sheet(make_xlsx([["名称", "数量"], ["#N/A", 1], ["乙", "#VALUE!"]]), COLUMNS)
    assert [(e.row, e.column) for e in sheet.errors] == [(2, "名称"), (3, "数量")]
    assert "公式错误（#N/A）" in sheet.errors[0].message


def test_missing_required_column_is_reported_once_and_unknown_columns_too():
    upload = make_xlsx(
        [["代码", "数量", "负责人", "数量"], ["1", 2, "张三", 3], ["2", 3, "李四", 4]]
    )
    sheet = read_sheet(upload, COLUMNS)
    assert sheet.rows == []
    assert sheet.errors == [
        RowError(1, "负责人", "无法识别的列名，请对照导入模板修改列名，或删除这一列", "C"),
        RowError(1, "数量", "与 B 列重复，同一列只能出现一次", "D"),
        RowError(1, "名称", "缺少必填列“名称”"),
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("名单.xlsx", "姓名,执业证号\n张三,1\n".encode(), "不是 Excel 工作簿"),
        ("名单.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "旧版 Excel"),
        ("名单.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "旧版 Excel"),
        ("名单.csv", "名称\n甲\n".encode(), "CSV"),
        ("名单.docx", b"PK\x03\x04", ".xlsx"),
        ("名单.xlsx", b"PK\x03\x04 broken zip", "无法读取"),
    ],
)
def test_files_that_are_not_xlsx_get_a_clear_message(name, content, message):
    with pytest.raises(ExcelFileError, match=message):
        read_sheet(SimpleUploadedFile(name, content), COLUMNS)


def test_empty_sheet_and_header_without_rows_are_refused():
    with pytest.raises(ExcelFileError, match="没有找到表头"):
        read_sheet(make_xlsx([]), COLUMNS)
    with pytest.raises(ExcelFileError, match="没有找到表头"):
        read_sheet(make_xlsx([["姓名", "年龄"], ["张三", 30]]), COLUMNS)
    with pytest.raises(ExcelFileError, match="没有任何数据行"):
        read_sheet(make_xlsx([["名称", "代码"], [None, None]]), COLUMNS)


def test_size_and_row_limits(monkeypatch):
    monkeypatch.setattr(excel, "MAX_ROWS", 3)
    upload = make_xlsx([["名称"], ["甲"], ["乙"], ["丙"], ["丁"]])
    with pytest.raises(ExcelFileError, match="超过 3 行"):
        read_sheet(upload, COLUMNS)
    big = SimpleUploadedFile("大.xlsx", b"PK\x03\x04" + b"0" * excel.MAX_BYTES)
    with pytest.raises(ExcelFileError, match="5 MB"):
        read_sheet(big, COLUMNS)
    monkeypatch.setattr(excel, "MAX_SHEET_ROWS", 6)
    with pytest.raises(ExcelFileError, match="行数过多"):
        read_sheet(make_xlsx([["名称"], ["甲"], *[[None]] * 5, ["乙"]]), COLUMNS)
    monkeypatch.setattr(excel, "MAX_UNZIPPED_BYTES", 1000)
    with pytest.raises(ExcelFileError, match="文件内容过大"):
        read_sheet(make_xlsx([["名称"], ["甲"]]), COLUMNS)


# --- writing ------------------------------------------------------------------------


def test_build_workbook_bold_frozen_header_text_codes_and_widths():
    content = build_workbook(
        "名单", COLUMNS, [["浙江某某律师事务所（上城分所）", "0330102", 3, "是", date(2015, 3, 1)]]
    )
    ws = load_workbook(io.BytesIO(content)).active
    assert ws.title == "名单"
    assert [c.value for c in ws[1]] == ["名称", "代码", "数量", "是否启用（是/否）", "日期"]
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws["B2"].value == "0330102"  # a leading zero survives as text
    assert ws["B2"].number_format == "@"
    assert ws["E2"].value == datetime(2015, 3, 1)
    assert ws.column_dimensions["A"].width > ws.column_dimensions["C"].width
    assert ws.data_validations.dataValidation[0].formula1 == '"是,否"'


def test_template_reads_back_as_one_good_row():
    columns = tuple(
        Column(c.field, c.header, c.aliases, c.required, c.parse, c.default, example)
        for c, example in zip(COLUMNS, ["甲", "330102", 5, "否", "2015-03-01"], strict=True)
    )
    upload = SimpleUploadedFile("模板.xlsx", template_workbook("模板", columns))
    sheet = read_sheet(upload, columns)
    assert sheet.errors == []
    assert sheet.rows[0].values == {
        "name": "甲",
        "code": "330102",
        "count": 5,
        "flag": False,
        "day": date(2015, 3, 1),
    }
