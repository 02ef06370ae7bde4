import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from core.models import OperationLog
from core.testing import make_community
from core.tests.test_excel import make_xlsx
from regions.imports import import_communities, import_streets
from regions.models import Community, Street

STREET_HEADER = ["街道名称", "区划代码", "司法所名称", "司法所地址", "司法所电话"]
COMMUNITY_HEADER = ["社区名称", "所属街道", "区划代码", "户数", "人口", "地址", "联系电话"]


def import_url(kind):
    return reverse("regions:import", args=[kind])


def export_url(kind):
    return reverse("regions:export", args=[kind])


def sheet_rows(response):
    ws = load_workbook(io.BytesIO(response.content)).active
    return [[c.value for c in row] for row in ws.iter_rows()]


def snapshot():
    return (
        sorted(Street.objects.values_list("pk", "name", "code", "office_name")),
        sorted(Community.objects.values_list("pk", "name", "households", "population")),
    )


# --- streets ------------------------------------------------------------------------


def test_bureau_admin_imports_streets_below_a_merged_title(world, client_for):
    upload = make_xlsx(
        [
            ["区划代码", " 街道 名称 ", "司法所名称"],  # any order, stray spaces
            ["３３０１０２００１", "清波街道", ""],  # full-width digits, updates street A
            [330102099.0, " 南星  街道 ", None],  # a number stored as float, a new street
        ],
        title="上城区街道名单",
    )
    client = client_for(world.bureau_admin)
    response = client.post(import_url("streets"), {"file": upload})
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.created, result.updated, result.errors) == (1, 1, [])
    assert "新增 1 条，更新 1 条" in response.content.decode()
    world.street_a.refresh_from_db()
    assert world.street_a.code == "330102001"
    assert world.street_a.office_name == "清波街道司法所"
    new = Street.objects.get(district=world.district, name="南星街道")
    assert (new.code, new.office_name) == ("330102099", "南星街道司法所")
    log = OperationLog.objects.get(action=OperationLog.Action.IMPORT)
    assert log.district_id == world.district.pk
    assert log.actor == world.bureau_admin
    assert log.changes["created"] == 1


def test_one_bad_street_row_writes_nothing(world, client_for):
    before = snapshot()
    upload = make_xlsx(
        [STREET_HEADER, ["新街道", "330102", "", "", ""], ["坏街道", "12AB", "", "", ""]],
        title="街道",
    )
    response = client_for(world.bureau_admin).post(import_url("streets"), {"file": upload})
    result = response.context["result"]
    assert [(e.row, e.column, e.letter) for e in result.errors] == [(4, "区划代码", "B")]
    assert "6–12 位数字" in result.errors[0].message
    assert "本次没有导入任何数据" in response.content.decode()
    assert snapshot() == before
    assert not OperationLog.objects.filter(action=OperationLog.Action.IMPORT).exists()


def test_duplicate_streets_in_the_file_are_errors(world):
    upload = make_xlsx([["街道名称"], ["南星街道"], ["紫阳街道"], ["南星 街道"]])
    result = import_streets(actor=world.bureau_admin, district=world.district, upload=upload)
    assert [(e.row, e.column) for e in result.errors] == [(4, "街道名称")]
    assert "与第 2 行重复" in result.errors[0].message
    assert not Street.objects.filter(name="紫阳街道").exists()


def test_superuser_must_choose_the_district(world, client_for):
    client = client_for(world.superuser)
    upload = make_xlsx([["街道名称"], ["南星街道"]])
    response = client.post(import_url("streets"), {"file": upload})
    assert response.context["result"] is None
    assert "district" in response.context["form"].errors
    assert not Street.objects.filter(name="南星街道").exists()
    upload = make_xlsx([["街道名称"], ["南星街道"]])
    response = client.post(
        import_url("streets"), {"file": upload, "district": world.other_district.pk}
    )
    assert response.context["result"].created == 1
    assert Street.objects.get(name="南星街道").district == world.other_district


def test_outsider_imports_only_into_their_own_district(world, client_for):
    upload = make_xlsx([["街道名称", "区划代码"], ["清波街道", "330102777"]])
    response = client_for(world.outsider).post(
        import_url("streets"), {"file": upload, "district": world.district.pk}
    )
    assert response.context["result"].created == 1
    world.street_a.refresh_from_db()
    assert world.street_a.code == ""
    assert Street.objects.get(name="清波街道", district=world.other_district).code == "330102777"
    with pytest.raises(PermissionDenied):
        import_streets(
            actor=world.outsider,
            district=world.district,
            upload=make_xlsx([["街道名称"], ["南星街道"]]),
        )


def test_a_text_file_renamed_xlsx_changes_nothing(world, client_for):
    before = snapshot()
    upload = SimpleUploadedFile("街道.xlsx", "街道名称\n南星街道\n".encode())
    response = client_for(world.bureau_admin).post(import_url("streets"), {"file": upload})
    assert response.context["result"] is None
    assert "不是 Excel 工作簿" in response.context["form"].errors["file"][0]
    assert snapshot() == before


def test_wrong_columns_get_a_chinese_message(world, client_for):
    upload = make_xlsx([["姓名", "执业证号"], ["张三", "13301201010000001"]])
    response = client_for(world.bureau_admin).post(import_url("communities"), {"file": upload})
    assert "没有找到表头" in response.context["form"].errors["file"][0]
    upload = make_xlsx([["社区名称", "户数"], ["新社区", 10]])
    response = client_for(world.bureau_admin).post(import_url("communities"), {"file": upload})
    errors = response.context["result"].errors
    assert [(e.row, e.column, e.message) for e in errors] == [
        (1, "所属街道", "缺少必填列“所属街道”")
    ]


# --- communities --------------------------------------------------------------------


def test_communities_upsert_by_name_within_street(world):
    upload = make_xlsx(
        [
            COMMUNITY_HEADER,
            ["清波社区", "清波街道", "", "1,500", 3200.0, "清波街 1 号", 87000001],
            ["清波社区", "湖滨街道", "", 100, 200, "", ""],  # same name, another street: new
            ["新社区", " 清波 街道", "", "８００", "2000", "", ""],
        ],
        title="社区名单",
    )
    result = import_communities(actor=world.bureau_admin, district=world.district, upload=upload)
    assert (result.created, result.updated, result.errors) == (2, 1, [])
    world.community_a1.refresh_from_db()
    assert (world.community_a1.households, world.community_a1.population) == (1500, 3200)
    assert world.community_a1.phone == "87000001"
    assert Community.objects.get(street=world.street_b, name="清波社区").households == 100
    assert Community.objects.get(name="新社区").street == world.street_a


def test_community_errors_name_row_and_column_and_write_nothing(world):
    before = snapshot()
    upload = make_xlsx(
        [
            COMMUNITY_HEADER,
            ["好社区", "清波街道", "", 10, 20, "", ""],
            ["坏社区一", "不存在街道", "", 10, 20, "", ""],
            ["坏社区二", "清波街道", "", 100, 20, "", ""],
            ["坏社区三", "其他街道", "", "很多", 20, "", ""],
            ["好社区", "清波街道", "", 10, 20, "", ""],
        ],
        title="社区名单",
    )
    result = import_communities(actor=world.bureau_admin, district=world.district, upload=upload)
    assert [(e.row, e.column) for e in result.errors] == [
        (4, "所属街道"),  # no such street in the district
        (5, "人口"),  # fewer people than households
        (6, "户数"),  # not a number
        (7, "社区名称"),  # duplicate of row 3
    ]
    assert "不存在街道" in result.errors[0].message
    assert "人口数不能少于户数" in result.errors[1].message
    assert "与第 3 行重复" in result.errors[3].message
    assert result.created == 0
    assert snapshot() == before


def test_a_street_of_another_district_is_not_found(world):
    upload = make_xlsx([COMMUNITY_HEADER, ["外区社区", "其他街道", "", 1, 1, "", ""]])
    result = import_communities(actor=world.bureau_admin, district=world.district, upload=upload)
    assert [(e.row, e.column) for e in result.errors] == [(2, "所属街道")]
    assert not Community.objects.filter(name="外区社区").exists()


def test_export_reimports_unchanged(world, client_for):
    Community.objects.filter(pk=world.community_a1.pk).update(
        address="杭州市上城区清波街 1 号（东门）", phone="0571-87000001", code="330102001001"
    )
    client = client_for(world.bureau_admin)
    exported = client.get(export_url("communities"))
    upload = SimpleUploadedFile("社区.xlsx", exported.content)
    result = import_communities(actor=world.bureau_admin, district=world.district, upload=upload)
    assert (result.created, result.updated, result.unchanged, result.errors) == (0, 0, 3, [])


# --- who may import and export ------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["street_staff_a", "community_staff_a1", "firm_admin_f", "lawyer_f", "resident"]
)
@pytest.mark.parametrize("kind", ["streets", "communities"])
def test_others_get_404(world, client_for, persona, kind):
    client = client_for(getattr(world, persona))
    assert client.get(import_url(kind)).status_code == 404
    upload = make_xlsx([["街道名称"], ["南星街道"]])
    assert client.post(import_url(kind), {"file": upload}).status_code == 404
    assert client.get(export_url(kind)).status_code == 404
    assert client.get(reverse("regions:import_template", args=[kind])).status_code == 404
    assert not Street.objects.filter(name="南星街道").exists()


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(import_url("streets"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_unknown_kind_is_404(world, client_for):
    client = client_for(world.bureau_admin)
    assert client.get(import_url("residents")).status_code == 404
    assert client.get(export_url("residents")).status_code == 404


def test_import_page_renders_the_form_and_column_help(world, client_for):
    response = client_for(world.bureau_admin).get(import_url("communities"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "批量导入社区" in page
    assert "缺少" not in page
    assert 'name="district"' not in page  # one district: nothing to choose
    assert reverse("regions:import_template", args=["communities"]) in page
    superuser_page = client_for(world.superuser).get(import_url("communities")).content.decode()
    assert 'name="district"' in superuser_page


def test_template_has_header_and_example_row(world, client_for):
    response = client_for(world.bureau_admin).get(
        reverse("regions:import_template", args=["communities"])
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = sheet_rows(response)
    assert rows[0] == COMMUNITY_HEADER
    assert len(rows) == 2 and rows[1][0] == "清波社区"


def test_export_contains_only_rows_in_scope(world, client_for):
    response = client_for(world.bureau_admin).get(export_url("streets"))
    names = [row[0] for row in sheet_rows(response)[1:]]
    assert names == ["清波街道", "湖滨街道"]
    log = OperationLog.objects.get(action=OperationLog.Action.EXPORT)
    assert (log.district_id, log.changes) == (world.district.pk, {"rows": 2})

    outsider = client_for(world.outsider)
    names = [row[0] for row in sheet_rows(outsider.get(export_url("communities")))[1:]]
    assert names == ["其他社区"]
    response = outsider.get(export_url("communities"), {"district": world.district.pk})
    assert response.status_code == 404


def test_superuser_exports_one_district_or_all(world, client_for):
    client = client_for(world.superuser)
    one = sheet_rows(client.get(export_url("streets"), {"district": world.other_district.pk}))
    assert [row[0] for row in one[1:]] == ["其他街道"]
    every = sheet_rows(client.get(export_url("streets")))
    assert len(every) == 4
    assert client.get(export_url("streets"), {"district": "x"}).status_code == 404


def test_export_query_count_does_not_grow(world, client_for, django_assert_max_num_queries):
    for _ in range(30):
        make_community(world.street_b)
    client = client_for(world.bureau_admin)
    # session, user, role bindings (regions + firms), district checks, the rows, the log
    # (+1 on PostgreSQL: the hash chain locks and reads the previous log entry)
    with django_assert_max_num_queries(13):
        response = client.get(export_url("communities"))
    assert len(sheet_rows(response)) == 34
