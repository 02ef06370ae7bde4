"""Excel import and export of law firms and lawyers.

A firm is matched by its 统一社会信用代码, a lawyer by the 执业证号; matched rows are
updated, others created. Columns absent from the file leave those fields unchanged.
Firms are imported by the district's bureau; lawyers by the bureau, or by a firm admin
for the firm(s) they manage.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.roles import Role
from core.excel import (
    Column,
    ExcelList,
    ImportResult,
    Outcome,
    ParsedRow,
    assign,
    export_workbook,
    import_sheet,
    match_key,
    parse_bool,
    parse_code,
    parse_date,
    parse_list,
    parse_long_text,
    parse_name,
    parse_phone,
    read_sheet,
    upsert,
    yes_no,
)
from core.scope import get_principal
from core.validators import normalize_code, uscc_check_char
from firms.models import LawFirm, Lawyer, Specialty
from firms.services import save_lawyer
from regions.models import District, Street

YES_NO = ("是", "否")
_EXAMPLE_BODY = "31330000MD0000000"
EXAMPLE_USCC = _EXAMPLE_BODY + uscc_check_char(_EXAMPLE_BODY)

FIRM_COLUMNS = (
    Column(
        "name",
        "律所名称",
        ("律师事务所", "律师事务所名称", "律所", "名称", "机构名称"),
        required=True,
        parse=parse_name,
        example="浙江某某律师事务所",
    ),
    Column(
        "uscc",
        "统一社会信用代码",
        ("信用代码", "社会信用代码", "统一代码"),
        required=True,
        parse=parse_code,
        text=True,
        example=EXAMPLE_USCC,
        note="18 位，见律师事务所执业许可证",
    ),
    Column(
        "director_name",
        "律所主任",
        ("主任", "负责人", "律所负责人"),
        required=True,
        parse=parse_name,
        example="张三",
    ),
    Column("address", "地址", ("律所地址", "办公地址", "住所"), example="杭州市上城区某路 1 号"),
    Column(
        "street",
        "所在街道",
        ("街道", "所属街道"),
        parse=parse_name,
        example="清波街道",
        note="本区街道名称，可不填",
    ),
    Column(
        "phone",
        "联系电话",
        ("电话", "办公电话"),
        parse=parse_code,
        text=True,
        example="0571-87000002",
    ),
    Column(
        "in_mediation_association",
        "人民调解协会成员（是/否）",
        ("人民调解协会", "调解协会成员", "是否人民调解协会成员"),
        parse=parse_bool,
        default=False,
        example="是",
        choices=YES_NO,
    ),
    Column(
        "in_education_center",
        "尚法教育服务中心成员（是/否）",
        ("尚法教育服务中心", "教育服务中心成员", "是否尚法教育服务中心成员"),
        parse=parse_bool,
        default=False,
        example="否",
        choices=YES_NO,
    ),
)

GENDERS = {
    **dict.fromkeys(("男", "男性", "M", "MALE"), "M"),
    **dict.fromkeys(("女", "女性", "F", "FEMALE"), "F"),
}


def parse_gender(value: Any) -> str:
    gender = GENDERS.get(normalize_code(value))
    if gender is None:
        raise ValidationError(_("性别请填写“男”或“女”"))
    return gender


LAWYER_COLUMNS = (
    Column("name", "姓名", ("律师姓名",), required=True, parse=parse_name, example="李四"),
    Column(
        "license_no",
        "执业证号",
        ("律师执业证号", "执业证号码", "执业证编号", "证号"),
        required=True,
        parse=parse_code,
        text=True,
        example="13301201510000001",
        note="17 位数字；请把这一列设为“文本”格式，否则 Excel 会改掉末尾几位",
    ),
    Column(
        "firm",
        "所属律所",
        ("律所", "律师事务所", "执业机构", "律所名称", "所在律所"),
        required=True,
        parse=parse_name,
        example="浙江某某律师事务所",
        note="律所全称或统一社会信用代码",
    ),
    Column("gender", "性别", (), parse=parse_gender, example="男", choices=("男", "女")),
    Column(
        "phone",
        "手机号",
        ("手机", "手机号码", "联系电话", "电话", "联系方式"),
        parse=parse_phone,
        text=True,
        example="13900000000",
    ),
    Column(
        "practice_start_date",
        "执业起始日期",
        ("执业日期", "首次执业日期", "执业时间", "开始执业日期"),
        parse=parse_date,
        default=None,
        example="2015-03-01",
        note="如 2015-03-01；不填则取执业证号中的首次执业年份的 1 月 1 日",
    ),
    Column(
        "specialties",
        "专业领域",
        ("专业", "擅长领域", "业务专长", "专长"),
        parse=parse_list,
        default=(),
        example="婚姻家庭、劳动争议",
        note="多个领域用顿号、逗号或分号分隔",
    ),
    Column(
        "is_party_member",
        "党员（是/否）",
        ("是否党员", "中共党员"),
        parse=parse_bool,
        default=False,
        example="是",
        choices=YES_NO,
    ),
    Column(
        "is_volunteer",
        "志愿律师（是/否）",
        ("是否志愿律师", "志愿者"),
        parse=parse_bool,
        default=False,
        example="是",
        choices=YES_NO,
    ),
    Column(
        "fee_standard",
        "收费标准",
        ("收费",),
        parse=parse_long_text,
        example="咨询每小时 300 元",
        width=30,
    ),
)

FIRM_FIELDS = (
    "uscc",
    "name",
    "director_name",
    "address",
    "street",
    "phone",
    "in_mediation_association",
    "in_education_center",
)
LAWYER_FIELDS = (
    "license_no",
    "name",
    "firm",
    "gender",
    "phone",
    "practice_start_date",
    "is_party_member",
    "is_volunteer",
    "fee_standard",
)


def _check_district(actor: Any, district: District | None) -> District:
    if district is None or not District.objects.editable_by(actor).filter(pk=district.pk).exists():
        raise PermissionDenied
    return district


def _codes(sheet: Any, name: str) -> list[str]:
    return [row.values[name] for row in sheet.rows if row.values.get(name)]


def import_firms(*, actor: Any, district: District | None, upload: Any) -> ImportResult:
    """Import a district's law firms (bureau admin of the district, or a superuser)."""
    district = _check_district(actor, district)
    sheet = read_sheet(upload, FIRM_COLUMNS)
    by_uscc = {f.uscc: f for f in LawFirm.objects.filter(uscc__in=_codes(sheet, "uscc"))}
    by_name = {match_key(f.name): f for f in LawFirm.objects.filter(district=district)}
    streets = {match_key(s.name): s for s in Street.objects.filter(district=district)}

    def save(row: ParsedRow) -> Outcome:
        values = dict(row.values)
        firm = by_uscc.get(values["uscc"])
        if firm is not None and firm.district_id != district.pk:
            raise ValidationError({"uscc": _("该统一社会信用代码的律所已登记在其他区，请核对")})
        namesake = by_name.get(match_key(values["name"]))
        if namesake is not None and namesake != firm:
            raise ValidationError(
                {
                    "name": _(
                        "本区已有同名律所，其统一社会信用代码为 %(uscc)s；"
                        "同一律所请填写相同的信用代码"
                    )
                    % {"uscc": namesake.uscc}
                }
            )
        if values.get("street"):
            street = streets.get(match_key(values["street"]))
            if street is None:
                raise ValidationError(
                    {"street": _("本区没有名为“%(name)s”的街道") % {"name": values["street"]}}
                )
            values["street"] = street
        elif "street" in values:
            values["street"] = None
        if firm is None:
            return upsert(actor, LawFirm(district=district), values, FIRM_FIELDS)
        return upsert(actor, firm, values, FIRM_FIELDS[1:])

    return import_sheet(
        sheet,
        FIRM_COLUMNS,
        save,
        model=LawFirm,
        title="律所",
        district_id=district.pk,
        unique=[("uscc",), ("name",)],
    )


def lawyer_firms(actor: Any, district: District | None) -> QuerySet[LawFirm]:
    """The firms whose lawyers the actor imports: the district's (bureau), or else the
    firms the actor administers (firm admin)."""
    if district is not None:
        _check_district(actor, district)
        return LawFirm.objects.editable_by(actor).filter(district=district)
    firm_ids = get_principal(actor).ids(Role.FIRM_ADMIN)
    if not firm_ids:
        raise PermissionDenied
    return LawFirm.objects.filter(pk__in=firm_ids)


def import_lawyers(*, actor: Any, district: District | None, upload: Any) -> ImportResult:
    """Import lawyers of the district's firms, or (district None) of the actor's own
    firm(s) as firm admin. The 所属律所 cell names a firm by name or by USCC."""
    firms = list(lawyer_firms(actor, district))
    sheet = read_sheet(upload, LAWYER_COLUMNS)
    firm_by_key = {match_key(f.name): f for f in firms} | {match_key(f.uscc): f for f in firms}
    licences = _codes(sheet, "license_no")
    existing = {
        lawyer.license_no: lawyer
        for lawyer in Lawyer.objects.filter(license_no__in=licences).prefetch_related("specialties")
    }
    editable = set(
        Lawyer.objects.editable_by(actor)
        .filter(license_no__in=licences)
        .values_list("pk", flat=True)
    )
    specialties = {match_key(s.name): s for s in Specialty.objects.filter(is_active=True)}
    own = "、".join(f.name for f in firms)

    def save(row: ParsedRow) -> Outcome:
        values = dict(row.values)
        firm = firm_by_key.get(match_key(values["firm"]))
        if firm is None:
            if district is None:
                message = _("找不到律所“%(firm)s”：您只能导入本所（%(own)s）的律师")
            else:
                message = _(
                    "本区没有律所“%(firm)s”，请填写律所全称或统一社会信用代码，或先导入律所"
                )
            raise ValidationError({"firm": message % {"firm": values["firm"], "own": own}})
        values["firm"] = firm
        found = existing.get(values["license_no"])
        if found is not None and found.pk not in editable:
            raise ValidationError(
                {
                    "license_no": _(
                        "该执业证号已登记在其他律所的律师名下，不在您的管理范围内；"
                        "如律师已转所，请联系区司法局"
                    )
                }
            )
        chosen = _specialties(values, specialties)
        created = found is None
        lawyer = Lawyer() if found is None else found
        changed = assign(lawyer, values, LAWYER_FIELDS if created else LAWYER_FIELDS[1:])
        if chosen is not None and not created and _specialty_ids(lawyer) != {s.pk for s in chosen}:
            changed.append("specialties")
        if not created and not changed:
            return "unchanged"
        save_lawyer(actor=actor, lawyer=lawyer, specialties=chosen)
        return "created" if created else "updated"

    return import_sheet(
        sheet,
        LAWYER_COLUMNS,
        save,
        model=Lawyer,
        title="律师",
        district_id=district.pk if district else firms[0].district_id if firms else None,
        unique=[("license_no",)],
    )


def _specialty_ids(lawyer: Lawyer) -> set[int]:
    """From the prefetched specialties, without a query."""
    return {s.pk for s in lawyer.specialties.all()}


def _specialties(values: dict[str, Any], known: dict[str, Specialty]) -> list[Specialty] | None:
    if "specialties" not in values:
        return None
    unknown = [name for name in values["specialties"] if match_key(name) not in known]
    if unknown:
        names = "、".join(s.name for s in known.values())
        raise ValidationError(
            {
                "specialties": _("系统中没有专业领域“%(name)s”，可选：%(names)s")
                % {"name": "、".join(unknown), "names": names}
            }
        )
    return [known[match_key(name)] for name in values["specialties"]]


def export_firms(*, actor: Any, district: District | None) -> bytes:
    firms = (
        LawFirm.objects.visible_to(actor)
        .filter(district__in=District.objects.editable_by(actor))
        .select_related("street")
    )
    if district is not None:
        firms = firms.filter(district=district)
    rows = [
        [
            f.name,
            f.uscc,
            f.director_name,
            f.address,
            f.street.name if f.street else "",
            f.phone,
            yes_no(f.in_mediation_association),
            yes_no(f.in_education_center),
        ]
        for f in firms.order_by("district__code", "name")
    ]
    return export_workbook(
        "律所", FIRM_COLUMNS, rows, model=LawFirm, district_id=district.pk if district else None
    )


def export_lawyers(*, actor: Any, district: District | None) -> bytes:
    """The lawyers of the firms the actor manages (of ``district`` if given)."""
    lawyers = (
        Lawyer.objects.visible_to(actor)
        .filter(firm__in=LawFirm.objects.editable_by(actor))
        .select_related("firm")
        .prefetch_related("specialties")
    )
    if district is not None:
        lawyers = lawyers.filter(firm__district=district)
    rows = [
        [
            lawyer.name,
            lawyer.license_no,
            lawyer.firm.name,
            lawyer.get_gender_display() if lawyer.gender else "",
            lawyer.phone,
            lawyer.practice_start_date,
            "、".join(s.name for s in lawyer.specialties.all()),
            yes_no(lawyer.is_party_member),
            yes_no(lawyer.is_volunteer),
            lawyer.fee_standard,
        ]
        for lawyer in lawyers.order_by("firm__name", "name")
    ]
    return export_workbook(
        "律师", LAWYER_COLUMNS, rows, model=Lawyer, district_id=district.pk if district else None
    )


LISTS = {
    "firms": ExcelList(
        "firms",
        "律所",
        FIRM_COLUMNS,
        import_firms,
        export_firms,
        help="按统一社会信用代码匹配：本区已有的律所会被更新，没有的会新增。",
    ),
    "lawyers": ExcelList(
        "lawyers",
        "律师",
        LAWYER_COLUMNS,
        import_lawyers,
        export_lawyers,
        help="按执业证号匹配：已有的律师会被更新，没有的会新增。所属律所须已登记。",
    ),
}
