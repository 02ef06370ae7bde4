"""Excel import and export of the register: mediation organizations (matched by name
in the district), mediators (by organization and phone) and the lawyers who take part
in mediation (by 执业证号). The district's bureau maintains all three; columns absent
from the file leave those fields unchanged."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from core.excel import (
    Column,
    ExcelList,
    ImportResult,
    Outcome,
    ParsedRow,
    export_workbook,
    import_sheet,
    match_key,
    parse_bool,
    parse_code,
    parse_list,
    parse_name,
    parse_phone,
    read_sheet,
    upsert,
    yes_no,
)
from firms.models import Lawyer
from mediation.choices import DisputeCategory, MediatorGrade, OrgKind, OrgLevel
from mediation.models import MediationLawyer, Mediator, Organization
from mediation.validators import category_labels
from regions.models import Community, District, Street

YES_NO = ("是", "否")


def _choice(choices: Any, aliases: dict[str, str], what: str) -> Callable[[Any], str]:
    """A parser of a choice written by its Chinese label (or a common alias)."""
    known = {match_key(label): value for value, label in choices}
    known |= {match_key(k): v for k, v in aliases.items()}

    def parse(value: Any) -> str:
        found = known.get(match_key(value))
        if found is None:
            labels = "、".join(str(label) for _v, label in choices)
            raise ValidationError(
                _("%(what)s请填写：%(labels)s") % {"what": what, "labels": labels}
            )
        return found

    return parse


parse_kind = _choice(
    OrgKind.choices,
    {
        "人民调解委员会": OrgKind.PEOPLE,
        "行业性调解": OrgKind.PROFESSIONAL,
        "专业性调解": OrgKind.PROFESSIONAL,
        "行业专业调解": OrgKind.PROFESSIONAL,
    },
    "类型",
)
parse_level = _choice(
    OrgLevel.choices,
    {
        "区": OrgLevel.DISTRICT,
        "区级组织": OrgLevel.DISTRICT,
        "街道": OrgLevel.STREET,
        "社区": OrgLevel.COMMUNITY,
        "村（社区）": OrgLevel.COMMUNITY,
    },
    "层级",
)
parse_category = _choice(
    DisputeCategory.choices,
    {
        "物业": DisputeCategory.PROPERTY,
        "劳动": DisputeCategory.LABOR,
        "医疗": DisputeCategory.MEDICAL,
        "交通": DisputeCategory.TRAFFIC,
        "消费": DisputeCategory.CONSUMER,
        "金融": DisputeCategory.FINANCE,
    },
    "专业领域",
)
parse_grade = _choice(
    MediatorGrade.choices,
    {
        "首席": MediatorGrade.CHIEF,
        "一级": MediatorGrade.FIRST,
        "二级": MediatorGrade.SECOND,
        "三级": MediatorGrade.THIRD,
    },
    "等级",
)


def parse_categories(value: Any) -> list[str]:
    return list(dict.fromkeys(parse_category(name) for name in parse_list(value)))


KINDS = tuple(str(label) for _v, label in OrgKind.choices)
LEVELS = tuple(str(label) for _v, label in OrgLevel.choices)

ORG_COLUMNS = (
    Column(
        "name",
        "调解组织名称",
        ("名称", "组织名称", "调解委员会"),
        required=True,
        parse=parse_name,
        example="清波街道人民调解委员会",
    ),
    Column(
        "kind",
        "类型",
        ("组织类型", "调解类型"),
        required=True,
        parse=parse_kind,
        example="人民调解",
        choices=KINDS,
    ),
    Column(
        "level",
        "层级",
        ("级别",),
        required=True,
        parse=parse_level,
        example="街道级",
        choices=LEVELS,
    ),
    Column(
        "street",
        "所在街道",
        ("街道",),
        parse=parse_name,
        example="清波街道",
        note="街道级、社区级组织必填",
    ),
    Column("community", "所在社区", ("社区",), parse=parse_name, example="", note="社区级组织必填"),
    Column(
        "category",
        "专业领域",
        ("纠纷类别", "行业"),
        parse=parse_category,
        example="",
        note="行业性专业性调解组织必填，如 物业纠纷、劳动争议、医疗纠纷",
    ),
    Column("contact_person", "负责人", ("主任", "联系人"), parse=parse_name, example="张三"),
    Column("phone", "联系电话", ("电话",), parse=parse_code, text=True, example="0571-87000001"),
    Column("address", "地址", ("办公地址",), example="杭州市上城区某路 1 号"),
    Column(
        "is_active",
        "启用（是/否）",
        ("启用", "是否启用"),
        parse=parse_bool,
        default=True,
        example="是",
        choices=YES_NO,
    ),
)
MEDIATOR_COLUMNS = (
    Column(
        "organization",
        "调解组织",
        ("所属调解组织", "调解组织名称", "所在组织"),
        required=True,
        parse=parse_name,
        example="清波街道人民调解委员会",
    ),
    Column("name", "姓名", ("调解员姓名",), required=True, parse=parse_name, example="李四"),
    Column(
        "phone",
        "手机号",
        ("手机", "联系电话", "电话", "联系方式"),
        required=True,
        parse=parse_phone,
        text=True,
        example="13900000000",
    ),
    Column(
        "grade",
        "等级",
        ("调解员等级",),
        parse=parse_grade,
        default=MediatorGrade.THIRD,
        example="一级调解员",
        choices=tuple(str(lb) for _v, lb in MediatorGrade.choices),
    ),
    Column(
        "specialties",
        "专长领域",
        ("专长", "擅长领域"),
        parse=parse_categories,
        default=[],
        example="邻里纠纷、婚姻家庭",
        note="多个领域用顿号、逗号或分号分隔",
    ),
    Column(
        "is_active",
        "在任（是/否）",
        ("在任", "是否在任"),
        parse=parse_bool,
        default=True,
        example="是",
        choices=YES_NO,
    ),
)
LAWYER_COLUMNS = (
    Column(
        "license_no",
        "执业证号",
        ("律师执业证号", "证号"),
        required=True,
        parse=parse_code,
        text=True,
        example="13301201510000001",
        note="律师须已在本区律所名录中",
    ),
    Column(
        "name", "律师姓名", ("姓名",), parse=parse_name, example="王五", note="仅用于核对执业证号"
    ),
    Column(
        "organization", "所在调解组织", ("调解组织",), parse=parse_name, example="", note="可不填"
    ),
    Column(
        "specialties",
        "擅长的纠纷类别",
        ("专长领域", "专长"),
        parse=parse_categories,
        default=[],
        example="劳动争议、合同纠纷",
    ),
    Column(
        "is_active",
        "在册（是/否）",
        ("在册", "是否在册"),
        parse=parse_bool,
        default=True,
        example="是",
        choices=YES_NO,
    ),
)


def _district(actor: Any, district: District | None) -> District:
    if district is None or not District.objects.editable_by(actor).filter(pk=district.pk).exists():
        raise PermissionDenied
    return district


def _orgs(district: District) -> dict[str, Organization]:
    return {match_key(o.name): o for o in Organization.objects.filter(district=district)}


def _org_of(orgs: dict[str, Organization], name: str) -> Organization:
    org = orgs.get(match_key(name))
    if org is None:
        raise ValidationError(
            {"organization": _("本区没有调解组织“%(name)s”，请先导入调解组织") % {"name": name}}
        )
    return org


def import_organizations(*, actor: Any, district: District | None, upload: Any) -> ImportResult:
    district = _district(actor, district)
    sheet = read_sheet(upload, ORG_COLUMNS)
    orgs = _orgs(district)
    streets = {match_key(s.name): s for s in Street.objects.filter(district=district)}
    by_name: dict[str, list[Community]] = {}
    for c in Community.objects.filter(street__district=district):
        by_name.setdefault(match_key(c.name), []).append(c)
    fields = (
        "name",
        "kind",
        "level",
        "street",
        "community",
        "category",
        "contact_person",
        "phone",
        "address",
        "is_active",
    )

    def save(row: ParsedRow) -> Outcome:
        values = dict(row.values)
        found = orgs.get(match_key(values["name"]))
        if "street" in values:
            name = values["street"]
            values["street"] = streets.get(match_key(name)) if name else None
            if name and values["street"] is None:
                raise ValidationError({"street": _("本区没有名为“%(n)s”的街道") % {"n": name}})
        if values.get("community"):
            street = values.get("street") if "street" in values else None
            matches = [
                c
                for c in by_name.get(match_key(values["community"]), [])
                if street is None or c.street_id == street.pk
            ]
            if len(matches) != 1:
                message = (
                    _("所在街道中没有名为“%(n)s”的社区")
                    if not matches
                    else _("本区有多个名为“%(n)s”的社区，请同时填写所在街道")
                )
                raise ValidationError({"community": message % {"n": values["community"]}})
            values["community"] = matches[0]
        elif "community" in values:
            values["community"] = None
        return upsert(actor, found or Organization(district=district), values, fields)

    return import_sheet(
        sheet,
        ORG_COLUMNS,
        save,
        model=Organization,
        title="调解组织",
        district_id=district.pk,
        unique=[("name",)],
    )


def import_mediators(*, actor: Any, district: District | None, upload: Any) -> ImportResult:
    district = _district(actor, district)
    sheet = read_sheet(upload, MEDIATOR_COLUMNS)
    orgs = _orgs(district)
    existing = {
        (m.organization_id, m.phone): m
        for m in Mediator.objects.filter(organization__district=district)
    }
    fields = ("organization", "name", "phone", "grade", "specialties", "is_active")

    def save(row: ParsedRow) -> Outcome:
        values = dict(row.values)
        org = _org_of(orgs, values["organization"])
        values["organization"] = org
        found = existing.get((org.pk, values["phone"]))
        return upsert(actor, found or Mediator(), values, fields if found is None else fields[1:])

    return import_sheet(
        sheet,
        MEDIATOR_COLUMNS,
        save,
        model=Mediator,
        title="调解员",
        district_id=district.pk,
        unique=[("organization", "phone")],
    )


def import_lawyers(*, actor: Any, district: District | None, upload: Any) -> ImportResult:
    district = _district(actor, district)
    sheet = read_sheet(upload, LAWYER_COLUMNS)
    orgs = _orgs(district)
    numbers = [r.values["license_no"] for r in sheet.rows]
    lawyers = {
        x.license_no: x
        for x in Lawyer.objects.filter(license_no__in=numbers, firm__district=district)
    }
    existing = {r.lawyer_id: r for r in MediationLawyer.objects.filter(district=district)}
    fields = ("lawyer", "organization", "specialties", "is_active")

    def save(row: ParsedRow) -> Outcome:
        values = dict(row.values)
        lawyer = lawyers.get(values["license_no"])
        if lawyer is None:
            raise ValidationError(
                {"license_no": _("本区律所名录中没有该执业证号的律师，请先登记律师")}
            )
        if values.get("name") and match_key(values["name"]) != match_key(lawyer.name):
            raise ValidationError(
                {"name": _("执业证号对应的律师是“%(n)s”，与所填姓名不符") % {"n": lawyer.name}}
            )
        values["lawyer"] = lawyer
        if "organization" in values:
            values["organization"] = (
                _org_of(orgs, values["organization"]) if values["organization"] else None
            )
        found = existing.get(lawyer.pk)
        return upsert(actor, found or MediationLawyer(district=district), values, fields)

    return import_sheet(
        sheet,
        LAWYER_COLUMNS,
        save,
        model=MediationLawyer,
        title="参与调解的律师",
        district_id=district.pk,
        unique=[("license_no",)],
    )


def _scoped(
    model: type[models.Model], actor: Any, district: District | None, lookup: str
) -> models.QuerySet:
    manager: Any = model._default_manager
    qs = manager.editable_by(actor)
    return qs.filter(**{lookup: district}) if district is not None else qs


def export_organizations(*, actor: Any, district: District | None) -> bytes:
    rows = [
        [
            o.name,
            o.get_kind_display(),
            o.get_level_display(),
            o.street.name if o.street else "",
            o.community.name if o.community else "",
            o.get_category_display() if o.category else "",
            o.contact_person,
            o.phone,
            o.address,
            yes_no(o.is_active),
        ]
        for o in _scoped(Organization, actor, district, "district")
        .select_related("street", "community")
        .order_by("district_id", "level", "name")
    ]
    return export_workbook(
        "调解组织",
        ORG_COLUMNS,
        rows,
        model=Organization,
        district_id=district.pk if district else None,
    )


def export_mediators(*, actor: Any, district: District | None) -> bytes:
    rows = [
        [
            m.organization.name,
            m.name,
            m.phone,
            m.get_grade_display(),
            category_labels(m.specialties),
            yes_no(m.is_active),
        ]
        for m in _scoped(Mediator, actor, district, "organization__district")
        .select_related("organization")
        .order_by("organization__name", "name")
    ]
    return export_workbook(
        "调解员",
        MEDIATOR_COLUMNS,
        rows,
        model=Mediator,
        district_id=district.pk if district else None,
    )


def export_lawyers(*, actor: Any, district: District | None) -> bytes:
    rows = [
        [
            r.lawyer.license_no,
            r.lawyer.name,
            r.organization.name if r.organization else "",
            category_labels(r.specialties),
            yes_no(r.is_active),
        ]
        for r in _scoped(MediationLawyer, actor, district, "district")
        .select_related("lawyer", "organization")
        .order_by("lawyer__name")
    ]
    return export_workbook(
        "参与调解的律师",
        LAWYER_COLUMNS,
        rows,
        model=MediationLawyer,
        district_id=district.pk if district else None,
    )


LISTS = {
    "organizations": ExcelList(
        "organizations",
        "调解组织",
        ORG_COLUMNS,
        import_organizations,
        export_organizations,
        help="按名称匹配：本区已有的调解组织会被更新，没有的会新增。",
    ),
    "mediators": ExcelList(
        "mediators",
        "调解员",
        MEDIATOR_COLUMNS,
        import_mediators,
        export_mediators,
        help="按调解组织和手机号匹配：已有的调解员会被更新，没有的会新增。调解组织须已登记。",
    ),
    "lawyers": ExcelList(
        "lawyers",
        "参与调解的律师",
        LAWYER_COLUMNS,
        import_lawyers,
        export_lawyers,
        help="按执业证号匹配：律师须已在本区律所名录中。",
    ),
}
