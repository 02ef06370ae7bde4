"""Excel import and export of a district's streets and communities.

A street is matched by its name within the district, a community by its name within
its street; matched rows are updated, others created. Columns absent from the file
leave those fields unchanged.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
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
    parse_code,
    parse_count,
    parse_name,
    read_sheet,
    upsert,
)
from regions.models import Community, District, Street

STREET_COLUMNS = (
    Column(
        "name",
        "街道名称",
        ("街道", "名称", "街道(乡镇)名称"),
        required=True,
        parse=parse_name,
        example="清波街道",
    ),
    Column(
        "code",
        "区划代码",
        ("街道代码", "代码", "行政区划代码", "统计用区划代码"),
        parse=parse_code,
        text=True,
        example="330102001",
        note="6–12 位数字，可不填",
    ),
    Column(
        "office_name",
        "司法所名称",
        ("司法所",),
        parse=parse_name,
        example="清波司法所",
        note="不填则为“街道名称+司法所”",
    ),
    Column("office_address", "司法所地址", ("地址",), example="杭州市上城区清波街 1 号"),
    Column(
        "office_phone",
        "司法所电话",
        ("电话", "联系电话"),
        parse=parse_code,
        text=True,
        example="0571-87000000",
    ),
)

COMMUNITY_COLUMNS = (
    Column(
        "name",
        "社区名称",
        ("社区", "名称", "社区(村)名称"),
        required=True,
        parse=parse_name,
        example="清波社区",
    ),
    Column(
        "street",
        "所属街道",
        ("街道", "街道名称", "所在街道"),
        required=True,
        parse=parse_name,
        example="清波街道",
        note="填写本区已有街道的名称",
    ),
    Column(
        "code",
        "区划代码",
        ("社区代码", "代码", "行政区划代码", "统计用区划代码"),
        parse=parse_code,
        text=True,
        example="330102001001",
        note="6–12 位数字，可不填",
    ),
    Column(
        "households",
        "户数",
        ("总户数", "常住户数", "户籍户数"),
        parse=parse_count,
        default=0,
        example=1200,
        note="整数",
    ),
    Column(
        "population",
        "人口",
        ("人口数", "总人口", "常住人口", "人数"),
        parse=parse_count,
        default=0,
        example=3000,
        note="整数，不少于户数",
    ),
    Column("address", "地址", ("社区地址", "办公地址"), example="杭州市上城区清波街 2 号"),
    Column(
        "phone",
        "联系电话",
        ("电话", "社区电话"),
        parse=parse_code,
        text=True,
        example="0571-87000001",
    ),
)

STREET_FIELDS = ("name", "code", "office_name", "office_address", "office_phone")
COMMUNITY_FIELDS = ("name", "street", "code", "households", "population", "address", "phone")


def _check_district(actor: Any, district: District | None) -> District:
    if district is None or not District.objects.editable_by(actor).filter(pk=district.pk).exists():
        raise PermissionDenied
    return district


def import_streets(*, actor: Any, district: District | None, upload: Any) -> ImportResult:
    """Import a district's streets (bureau admin of the district, or a superuser)."""
    district = _check_district(actor, district)
    sheet = read_sheet(upload, STREET_COLUMNS)
    existing = {match_key(s.name): s for s in Street.objects.filter(district=district)}

    def save(row: ParsedRow) -> Outcome:
        values = dict(row.values)
        if "office_name" in values and not values["office_name"]:
            values["office_name"] = f"{values['name']}司法所"
        street = existing.get(match_key(values["name"]))
        if street is None:
            return upsert(actor, Street(district=district), values, STREET_FIELDS)
        return upsert(actor, street, values, STREET_FIELDS[1:])

    return import_sheet(
        sheet,
        STREET_COLUMNS,
        save,
        model=Street,
        title="街道",
        district_id=district.pk,
        unique=[("name",)],
    )


def import_communities(*, actor: Any, district: District | None, upload: Any) -> ImportResult:
    """Import a district's communities; each names a street of the district."""
    district = _check_district(actor, district)
    sheet = read_sheet(upload, COMMUNITY_COLUMNS)
    streets = {match_key(s.name): s for s in Street.objects.filter(district=district)}
    existing = {
        (c.street_id, match_key(c.name)): c
        for c in Community.objects.filter(street__district=district)
    }

    def save(row: ParsedRow) -> Outcome:
        values = dict(row.values)
        street = streets.get(match_key(values["street"]))
        if street is None:
            raise ValidationError(
                {
                    "street": _("本区没有名为“%(name)s”的街道，请核对名称或先导入街道")
                    % {"name": values["street"]}
                }
            )
        values["street"] = street
        community = existing.get((street.pk, match_key(values["name"])))
        if community is None:
            return upsert(actor, Community(), values, COMMUNITY_FIELDS)
        return upsert(actor, community, values, COMMUNITY_FIELDS[2:])

    return import_sheet(
        sheet,
        COMMUNITY_COLUMNS,
        save,
        model=Community,
        title="社区",
        district_id=district.pk,
        unique=[("name", "street")],
    )


def export_streets(*, actor: Any, district: District | None) -> bytes:
    """The streets the actor may see and import into (of ``district`` if given)."""
    streets = Street.objects.visible_to(actor).filter(
        district__in=District.objects.editable_by(actor)
    )
    if district is not None:
        streets = streets.filter(district=district)
    rows = [
        [s.name, s.code, s.office_name, s.office_address, s.office_phone]
        for s in streets.order_by("district__code", "name")
    ]
    return export_workbook(
        "街道", STREET_COLUMNS, rows, model=Street, district_id=district.pk if district else None
    )


def export_communities(*, actor: Any, district: District | None) -> bytes:
    communities = (
        Community.objects.visible_to(actor)
        .filter(street__district__in=District.objects.editable_by(actor))
        .select_related("street")
    )
    if district is not None:
        communities = communities.filter(street__district=district)
    rows = [
        [c.name, c.street.name, c.code, c.households, c.population, c.address, c.phone]
        for c in communities.order_by("street__district__code", "street__name", "name")
    ]
    return export_workbook(
        "社区",
        COMMUNITY_COLUMNS,
        rows,
        model=Community,
        district_id=district.pk if district else None,
    )


LISTS = {
    "streets": ExcelList(
        "streets",
        "街道",
        STREET_COLUMNS,
        import_streets,
        export_streets,
        help="按街道名称匹配：本区已有的街道会被更新，没有的会新增。",
    ),
    "communities": ExcelList(
        "communities",
        "社区",
        COMMUNITY_COLUMNS,
        import_communities,
        export_communities,
        help="按“所属街道 + 社区名称”匹配：已有的社区会被更新，没有的会新增。请先导入街道。",
    ),
}
