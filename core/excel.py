"""Excel (.xlsx) import and export, the generic pieces.

Importing reads a sheet the way clerks fill it in (a merged title row above the header,
columns in any order, header aliases, full-width digits, stray spaces, numbers stored as
text or as floats), parses every cell by a column spec, then saves every row inside one
transaction: any bad row, and nothing is written. Every problem is reported as
(row, column, message) in Chinese. Exporting and templates write the same columns.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain, islice
from typing import Any, Literal

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from core.audit import record
from core.models import OperationLog
from core.services import save_instance
from core.validators import normalize_code, normalize_phone, validate_phone

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# The parts of an .xlsx unpacked: far above what 5000 rows need, far below a zip bomb.
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
# Rows scanned for the header (title rows may sit above it) and rows read at most
# (empty rows included), so that a sheet padded with a million empty rows stops early.
HEADER_SCAN_ROWS = 10
MAX_SHEET_ROWS = 20 * MAX_ROWS
# Columns clerks add that carry nothing to import.
IGNORED_HEADERS = frozenset({"序号", "备注"})
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ExcelFileError(Exception):
    """The file as a whole cannot be imported (not an .xlsx, too large, no header ...)."""

    def __init__(self, message: object) -> None:
        super().__init__(message)
        self.message = str(message)


@dataclass(frozen=True)
class RowError:
    """One problem: the Excel row number, the column (its header) and what is wrong."""

    row: int
    column: str
    message: str
    letter: str = ""


# --- cells -------------------------------------------------------------------------

# Full-width digits, letters and the ideographic space become ASCII; Chinese punctuation
# such as （） and ， is kept, because official names are written with it.
_HALF_WIDTH = {
    **{
        c: c - 0xFEE0
        for lo, hi in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
        for c in range(lo, hi + 1)
    },
    0x3000: 0x20,
    0x200B: None,
    0xFEFF: None,
}
_CJK = "\u2e80-\u9fff\uff00-\uffef"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")


def cell_text(value: Any) -> str:
    """A cell as text: integers without ``.0``, dates as YYYY-MM-DD, full-width letters
    and digits half-width, runs of white space as one space, none at the ends."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return re.sub(r"\s+", " ", str(value).translate(_HALF_WIDTH)).strip()


def match_key(value: Any) -> str:
    """What two names must share to be the same name (NFKC, no spaces, any case)."""
    text = unicodedata.normalize("NFKC", cell_text(value))
    return re.sub(r"\s+", "", text).casefold()


def header_key(value: Any) -> str:
    """A header without spaces, ``*`` marks and notes in brackets: ``党员（是/否）`` is 党员."""
    text = match_key(value)
    return re.sub(r"\([^)]*\)|\*", "", text)


# --- parsers: take a non-empty cell, return the value or raise ValidationError -------

TOO_LONG_NUMBER = _(
    "该单元格是数字格式，Excel 只保留 15 位有效数字，末尾几位已经丢失；"
    "请把这一列设为“文本”格式后重新录入"
)


def parse_text(value: Any) -> str:
    return cell_text(value)


def parse_name(value: Any) -> str:
    """A name: no spaces next to Chinese characters (``王  五`` is 王五, ``清波 街道`` is
    清波街道), as clerks pad names to line them up."""
    return _SPACE_NEAR_CJK.sub("", cell_text(value))


def parse_long_text(value: Any) -> str:
    """Free text (fee standards ...): kept as written, only trimmed."""
    return value.strip() if isinstance(value, str) else cell_text(value)


def parse_code(value: Any) -> str:
    """Identifiers (USCC, licence, division code): digits kept exactly, full-width and
    spaces removed, upper case. A float of 16+ digits has lost digits already."""
    if isinstance(value, float) and abs(value) >= 1e15:
        raise ValidationError(TOO_LONG_NUMBER)
    return normalize_code(value)


def parse_phone(value: Any) -> str:
    phone = normalize_phone(parse_code(value))
    validate_phone(phone)
    return phone


def parse_count(value: Any) -> int:
    """A non-negative whole number: ``1200``, ``1200.0``, ``"1,200"``, ``"１２００"``."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and value >= 0:
            return int(value)
    else:
        text = normalize_code(cell_text(value)).replace(",", "")
        if re.fullmatch(r"\d+(\.0*)?", text):
            return int(text.split(".")[0])
    raise ValidationError(_("应为不小于 0 的整数"))


TRUE_WORDS = frozenset({"是", "Y", "YES", "1", "√", "✓", "✔", "TRUE", "T", "对"})
FALSE_WORDS = frozenset({"否", "N", "NO", "0", "×", "✗", "✘", "X", "FALSE", "F", "错"})


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = normalize_code(value)
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValidationError(_("请填写“是”或“否”"))


_DATE_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?$"
)


def parse_date(value: Any) -> date:
    """An Excel date, an Excel serial number, or text such as 2015-03-01, 2015/3/1,
    2015.3.1, 2015年3月1日 or 20150301."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 10000 <= value < 100000:
        # A date cell that lost its date format shows its serial number (42064 ...).
        return from_excel(value).date()
    text = unicodedata.normalize("NFKC", cell_text(value))
    match = _DATE_RE.match(text)
    compact = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    parts = match or compact
    if parts:
        try:
            return date(int(parts[1]), int(parts[2]), int(parts[3]))
        except ValueError:
            pass
    raise ValidationError(_("日期格式不正确，请填写如 2015-03-01、2015/3/1 或 2015年3月1日"))


def parse_list(value: Any) -> list[str]:
    """Several names in one cell, separated by 、 , ， ; ； / or spaces."""
    parts = re.split(r"[、,，;；/\s]+", cell_text(value))
    return list(dict.fromkeys(p for p in parts if p))


# --- column specs and reading a sheet ----------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a list: its header (and aliases), whether it is required, how a
    cell is parsed, the value of an empty cell, and what the template shows."""

    field: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    parse: Callable[[Any], Any] = parse_text
    default: Any = ""
    example: Any = ""
    note: str = ""
    # Written as text so that Excel keeps long digits and leading zeros.
    text: bool = False
    choices: tuple[str, ...] = ()
    width: int = 0

    @property
    def keys(self) -> set[str]:
        return {header_key(h) for h in (self.header, *self.aliases)}


@dataclass(frozen=True)
class ParsedRow:
    number: int
    values: dict[str, Any]


@dataclass
class Sheet:
    """A sheet read by a column spec: the rows whose cells all parsed, the problems
    found, and the columns present in the file (absent columns are left unchanged)."""

    filename: str
    header_row: int
    present: dict[str, str]  # field -> column letter
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


TOO_BIG = _("文件超过 %(mb)s MB，请删除多余内容或拆分后分批导入")
UNREADABLE = _("无法读取该 Excel 文件，文件可能已损坏；请用 Excel 打开后重新保存为 .xlsx")


def _file_bytes(upload: Any) -> bytes:
    name = str(getattr(upload, "name", "") or "").lower()
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ExcelFileError(TOO_BIG % {"mb": MAX_BYTES // (1024 * 1024)})
    if name.endswith(".xls"):
        raise ExcelFileError(
            _("这是旧版 Excel 文件（.xls），请在 Excel 中“另存为”“Excel 工作簿（*.xlsx）”后再导入")
        )
    if name.endswith(".csv"):
        raise ExcelFileError(_("不支持 CSV 文件，请用 Excel 打开后“另存为” .xlsx 工作簿再导入"))
    if not name.endswith(".xlsx"):
        raise ExcelFileError(_("请上传 Excel 工作簿（扩展名为 .xlsx 的文件）"))
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ExcelFileError(TOO_BIG % {"mb": MAX_BYTES // (1024 * 1024)})
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ExcelFileError(
            _(
                "该文件实际上是旧版 Excel（.xls）或设置了打开密码的文件，"
                "请在 Excel 中另存为 .xlsx（不设密码）后再导入"
            )
        )
    if not data.startswith(b"PK\x03\x04"):
        raise ExcelFileError(
            _(
                "该文件不是 Excel 工作簿（.xlsx），可能是改了扩展名的其他文件；"
                "请用 Excel 另存为 .xlsx"
            )
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ExcelFileError(UNREADABLE) from exc
    if unpacked > MAX_UNZIPPED_BYTES:
        raise ExcelFileError(_("文件内容过大，请删除多余内容或拆分后分批导入"))
    return data


def _header_score(cells: Sequence[Any], known: set[str]) -> int:
    return sum(1 for c in cells if header_key(c) in known)


def _find_header(
    wb: Any, columns: Sequence[Column]
) -> tuple[int, tuple[Any, ...], Iterator[tuple[Any, ...]]] | None:
    """The first sheet with a header row among its first rows: the best-matching row
    (title rows above it match nothing), with an iterator over the rows below it."""
    known = set().union(*(c.keys for c in columns))
    for ws in wb.worksheets:
        rows = ws.iter_rows(values_only=True)
        head = list(islice(rows, HEADER_SCAN_ROWS))
        scores = [_header_score(r, known) for r in head]
        if scores and max(scores) > 0:
            index = scores.index(max(scores))
            return index + 1, head[index], chain(head[index + 1 :], rows)
    return None


def _map_header(
    header_row: int, cells: Sequence[Any], columns: Sequence[Column]
) -> tuple[dict[int, Column], list[RowError]]:
    by_key = {key: col for col in columns for key in col.keys}
    mapping: dict[int, Column] = {}
    seen: dict[str, str] = {}
    errors = []
    for index, cell in enumerate(cells):
        key, letter = header_key(cell), get_column_letter(index + 1)
        if not key or key in IGNORED_HEADERS:
            continue
        col = by_key.get(key)
        if col is None:
            errors.append(
                RowError(
                    header_row,
                    cell_text(cell),
                    str(_("无法识别的列名，请对照导入模板修改列名，或删除这一列")),
                    letter,
                )
            )
        elif col.field in seen:
            message = _("与 %(other)s 列重复，同一列只能出现一次") % {"other": seen[col.field]}
            errors.append(RowError(header_row, col.header, str(message), letter))
        else:
            mapping[index] = col
            seen[col.field] = letter
    for col in columns:
        if col.required and col.field not in seen:
            message = _("缺少必填列“%(header)s”") % {"header": col.header}
            errors.append(RowError(header_row, col.header, str(message)))
    return mapping, errors


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and cell_text(value) == "")


def _messages(exc: ValidationError) -> str:
    return "；".join(str(m) for m in exc.messages)


def read_sheet(upload: Any, columns: Sequence[Column]) -> Sheet:
    """Read the first sheet that has a header of ``columns``. Raises ExcelFileError for
    a file that cannot be imported at all; header and cell problems are in
    ``Sheet.errors`` (header problems stop the reading: fix the header first)."""
    data = _file_bytes(upload)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ExcelFileError(UNREADABLE) from exc
    try:
        return _read(wb, columns, str(getattr(upload, "name", "")))
    finally:
        wb.close()


def _read(wb: Any, columns: Sequence[Column], filename: str) -> Sheet:
    found = _find_header(wb, columns)
    if found is None:
        names = "、".join(c.header for c in columns if c.required)
        raise ExcelFileError(
            _("没有找到表头：表格前几行中应有“%(names)s”等列名，请下载导入模板对照填写")
            % {"names": names}
        )
    header_row, cells, rows = found
    mapping, errors = _map_header(header_row, cells, columns)
    present = {col.field: get_column_letter(i + 1) for i, col in mapping.items()}
    sheet = Sheet(filename, header_row, present, errors=errors)
    if errors:
        return sheet
    count = 0
    for number, values in enumerate(rows, start=header_row + 1):
        if number > MAX_SHEET_ROWS:
            raise ExcelFileError(_("表格行数过多，请删除多余的空行，或拆分后分批导入"))
        cells_by_col = [(col, values[i] if i < len(values) else None) for i, col in mapping.items()]
        if all(_is_empty(v) for _col, v in cells_by_col):
            continue  # empty, or only a pre-filled 序号
        count += 1
        if count > MAX_ROWS:
            raise ExcelFileError(_("数据超过 %(max)s 行，请拆分后分批导入") % {"max": MAX_ROWS})
        parsed: dict[str, Any] = {}
        bad = False
        for col, raw in cells_by_col:
            letter = present[col.field]
            if _is_empty(raw):
                if col.required:
                    sheet.errors.append(
                        RowError(number, col.header, str(_("必填，不能为空")), letter)
                    )
                    bad = True
                parsed[col.field] = col.default
                continue
            if isinstance(raw, str) and raw.strip() in ERROR_CODES:
                message = _("单元格是公式错误（%(code)s），请改为实际内容") % {"code": raw.strip()}
                sheet.errors.append(RowError(number, col.header, str(message), letter))
                bad = True
                continue
            try:
                parsed[col.field] = col.parse(raw)
            except ValidationError as exc:
                sheet.errors.append(RowError(number, col.header, _messages(exc), letter))
                bad = True
        if not bad:
            sheet.rows.append(ParsedRow(number, parsed))
    if count == 0:
        raise ExcelFileError(_("表头下面没有任何数据行"))
    return sheet


# --- saving: one transaction, nothing written unless every row is good --------------

Outcome = Literal["created", "updated", "unchanged"]


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def assign(instance: models.Model, values: dict[str, Any], fields: Iterable[str]) -> list[str]:
    """Set the fields given in ``values`` on ``instance``; return those that changed
    (all of them for a new instance). Foreign keys are compared by id, without a query."""
    changed = []
    for name in fields:
        if name not in values:
            continue
        value = values[name]
        model_field = instance._meta.get_field(name)
        if isinstance(model_field, models.ForeignKey):
            current = getattr(instance, model_field.attname)
            new = value.pk if value is not None else None
        else:
            current, new = getattr(instance, name), value
        if instance.pk is None or current != new:
            setattr(instance, name, value)
            changed.append(name)
    return changed


def upsert(
    actor: Any, instance: models.Model, values: dict[str, Any], fields: Sequence[str]
) -> Outcome:
    """Create ``instance`` (no pk) or update the fields that changed, validated by
    core.services.save_instance; an existing row with no change is not saved."""
    created = instance.pk is None
    changed = assign(instance, values, fields)
    if not created and not changed:
        return "unchanged"
    save_instance(actor=actor, instance=instance, fields=None if created else changed)
    return "created" if created else "updated"


def _duplicates(
    sheet: Sheet, unique: Sequence[tuple[str, ...]], by_field: dict[str, Column]
) -> list[RowError]:
    errors: list[RowError] = []
    for fields in unique:
        if not all(f in sheet.present for f in fields):
            continue
        seen: dict[tuple[str, ...], int] = {}
        for row in sheet.rows:
            key = tuple(match_key(row.values[f]) for f in fields)
            if not all(key):
                continue
            if key in seen:
                col = by_field[fields[0]]
                labels = "、".join(by_field[f].header for f in fields)
                message = _("与第 %(row)s 行重复（%(labels)s相同）") % {
                    "row": seen[key],
                    "labels": labels,
                }
                errors.append(
                    RowError(row.number, col.header, str(message), sheet.present[col.field])
                )
            else:
                seen[key] = row.number
    return errors


def _validation_errors(
    row: ParsedRow, exc: ValidationError, sheet: Sheet, by_field: dict[str, Column], model: Any
) -> list[RowError]:
    if not hasattr(exc, "error_dict"):
        return [RowError(row.number, "", _messages(exc))]
    errors: list[RowError] = []
    for name, messages in exc.message_dict.items():
        col = by_field.get(name)
        if col is not None:
            header, letter = col.header, sheet.present.get(name, "")
        elif name == NON_FIELD_ERRORS:
            header, letter = "", ""
        else:
            try:
                header = str(model._meta.get_field(name).verbose_name)
            except FieldDoesNotExist:
                header = name
            letter = ""
        errors.extend(RowError(row.number, header, str(m), letter) for m in messages)
    return errors


def _letter_order(letter: str) -> tuple[int, str]:
    return len(letter), letter


def import_sheet(
    sheet: Sheet,
    columns: Sequence[Column],
    save_row: Callable[[ParsedRow], Outcome],
    *,
    model: type[models.Model],
    title: str,
    district_id: int | None,
    unique: Sequence[tuple[str, ...]] = (),
) -> ImportResult:
    """Save every good row with ``save_row`` (which validates with full_clean and raises
    ValidationError keyed by field) inside one transaction; roll all of it back when
    any row of the file is bad. A successful import writes one operation-log entry."""
    by_field = {c.field: c for c in columns}
    result = ImportResult(errors=list(sheet.errors))
    if sheet.errors and not sheet.rows:
        return result
    duplicates = _duplicates(sheet, unique, by_field)
    result.errors.extend(duplicates)
    skip = {e.row for e in duplicates}
    with transaction.atomic():
        for row in sheet.rows:
            if row.number in skip:
                continue
            try:
                outcome = save_row(row)
            except ValidationError as exc:
                result.errors.extend(_validation_errors(row, exc, sheet, by_field, model))
            else:
                setattr(result, outcome, getattr(result, outcome) + 1)
        if result.errors:
            transaction.set_rollback(True)
            result.created = result.updated = result.unchanged = 0
        else:
            record(
                OperationLog.Action.IMPORT,
                model=model._meta.label,
                object_repr=f"导入{title}：{sheet.filename}",
                changes={
                    "file": sheet.filename,
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                },
                district_id=district_id,
            )
    result.errors.sort(key=lambda e: (e.row, _letter_order(e.letter)))
    return result


# --- writing: exports and templates ------------------------------------------------


def _display_width(value: Any) -> int:
    text = cell_text(value)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def build_workbook(title: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> bytes:
    """An .xlsx with a bold, frozen header row, widths that fit, long codes as text
    and a 是/否 (or other) drop-down on columns with choices."""
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append([c.header for c in columns])
    widths = [max(c.width, _display_width(c.header) + 4) for c in columns]
    count = 0
    for values in rows:
        count += 1
        ws.append(
            [
                str(v) if c.text and v not in (None, "") else v
                for c, v in zip(columns, values, strict=True)
            ]
        )
        for i, value in enumerate(values):
            widths[i] = max(widths[i], _display_width(value) + 2)
    for i, col in enumerate(columns, start=1):
        letter = get_column_letter(i)
        header = ws.cell(row=1, column=i)
        header.font = Font(bold=True, color="C00000" if col.required else None)
        header.fill = PatternFill("solid", fgColor="DDEBF7")
        header.alignment = Alignment(horizontal="center", vertical="center")
        if col.note:
            header.comment = Comment(col.note, "尚法云")
        ws.column_dimensions[letter].width = min(widths[i - 1], 60)
        if col.text:
            ws.column_dimensions[letter].number_format = "@"
            for (cell,) in ws.iter_rows(min_row=2, max_row=count + 1, min_col=i, max_col=i):
                cell.number_format = "@"
        if col.parse is parse_date:
            for (cell,) in ws.iter_rows(min_row=2, max_row=count + 1, min_col=i, max_col=i):
                cell.number_format = "yyyy-mm-dd"
        if col.choices:
            options = ",".join(col.choices)
            rule = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
            rule.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
            ws.add_data_validation(rule)
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def template_workbook(title: str, columns: Sequence[Column]) -> bytes:
    """The import template: the header row and one example row."""
    return build_workbook(title, columns, [[c.example for c in columns]])


def export_workbook(
    title: str,
    columns: Sequence[Column],
    rows: Sequence[Sequence[Any]],
    *,
    model: type[models.Model],
    district_id: int | None,
) -> bytes:
    """An export of ``rows``, logged once in the operation log."""
    record(
        OperationLog.Action.EXPORT,
        model=model._meta.label,
        object_repr=f"导出{title} {len(rows)} 条",
        changes={"rows": len(rows)},
        district_id=district_id,
    )
    return build_workbook(title, columns, rows)


def yes_no(value: bool) -> str:
    return "是" if value else "否"


def chosen_district(request: HttpRequest, districts: QuerySet | None) -> Any:
    """The district of ``?district=`` (404 unless among ``districts``), else the only
    one, else None (everything in the user's scope)."""
    if districts is None:
        return None
    raw = request.GET.get("district", "")
    if raw:
        if not raw.isdigit():
            raise Http404
        return get_object_or_404(districts, pk=int(raw))
    choices = list(districts[:2])
    return choices[0] if len(choices) == 1 else None


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = str(content_disposition_header(True, filename))
    return response


# --- the import page ---------------------------------------------------------------


@dataclass(frozen=True)
class ExcelList:
    """A list that can be imported and exported: its columns and its functions.

    ``import_file(actor=, district=, upload=)`` returns an ImportResult;
    ``export(actor=, district=)`` returns the .xlsx bytes. ``district`` is the
    tenant chosen on the page, or None where the list needs none (a firm admin's
    lawyers; an export of everything in the user's scope)."""

    kind: str
    title: str
    columns: tuple[Column, ...]
    import_file: Callable[..., ImportResult]
    export: Callable[..., bytes]
    help: str = ""

    def template(self) -> bytes:
        return template_workbook(self.title, self.columns)

    def filename(self, prefix: str = "") -> str:
        return f"{prefix}{self.title}_{timezone.localdate():%Y%m%d}.xlsx"


class ImportForm(forms.Form):
    """The upload; a choice of district when the user may import into several."""

    file = forms.FileField(
        label=_("Excel 文件（.xlsx）"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
    )

    def __init__(self, *args: Any, districts: QuerySet | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.only_district = None
        if districts is None:
            return
        choices = list(districts[:2])
        if len(choices) == 1:
            self.only_district = choices[0]
        else:
            self.fields["district"] = forms.ModelChoiceField(
                districts,
                label=_("导入到哪个区"),
                empty_label=_("请选择"),
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.order_fields(["district", "file"])

    def district(self) -> Any:
        return self.cleaned_data.get("district", self.only_district)


def import_page(
    request: HttpRequest,
    excel_list: ExcelList,
    *,
    districts: QuerySet | None,
    template_url: str,
    export_url: str,
) -> HttpResponse:
    """Upload form; on POST the import, then its errors (nothing saved) or a summary."""
    bound = request.method == "POST"
    form = ImportForm(
        request.POST if bound else None, request.FILES if bound else None, districts=districts
    )
    result = None
    if bound and form.is_valid():
        try:
            result = excel_list.import_file(
                actor=request.user, district=form.district(), upload=form.cleaned_data["file"]
            )
        except ExcelFileError as exc:
            form.add_error("file", exc.message)
    context = {
        "excel_list": excel_list,
        "form": form,
        "result": result,
        "template_url": template_url,
        "export_url": export_url,
        # Several districts: the export link becomes a choice of district.
        "export_districts": [] if districts is None or form.only_district else list(districts),
        "max_mb": MAX_BYTES // (1024 * 1024),
        "max_rows": MAX_ROWS,
    }
    return render(request, "includes/import_page.html", context)


DistrictsFor = Callable[[HttpRequest, str], "QuerySet | None"]


def excel_urlpatterns(
    namespace: str, lists: dict[str, ExcelList], districts_for: DistrictsFor
) -> list[URLPattern]:
    """The import page, the template download and the export of each list in ``lists``
    (URL names ``import``, ``import_template``, ``export`` with the kind in the path).

    ``districts_for(request, kind)`` returns the districts the user may import into
    (None where no district is chosen, e.g. a firm admin's own lawyers) and raises
    Http404 for a user who may not import the list at all."""

    def excel_list(kind: str) -> ExcelList:
        if kind not in lists:
            raise Http404
        return lists[kind]

    @login_required
    def import_view(request: HttpRequest, kind: str) -> HttpResponse:
        chosen = excel_list(kind)
        return import_page(
            request,
            chosen,
            districts=districts_for(request, kind),
            template_url=reverse(f"{namespace}:import_template", args=[kind]),
            export_url=reverse(f"{namespace}:export", args=[kind]),
        )

    @login_required
    @require_GET
    def export_view(request: HttpRequest, kind: str) -> HttpResponse:
        chosen = excel_list(kind)
        district = chosen_district(request, districts_for(request, kind))
        content = chosen.export(actor=request.user, district=district)
        return xlsx_response(content, chosen.filename(district.name if district else ""))

    @login_required
    @require_GET
    def template_view(request: HttpRequest, kind: str) -> HttpResponse:
        chosen = excel_list(kind)
        districts_for(request, kind)
        return xlsx_response(chosen.template(), f"{chosen.title}导入模板.xlsx")

    return [
        path("import/<slug:kind>/", import_view, name="import"),
        path("import/<slug:kind>/template/", template_view, name="import_template"),
        path("export/<slug:kind>/", export_view, name="export"),
    ]
