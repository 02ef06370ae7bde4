import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from core.models import OperationLog
from core.testing import make_lawyer, make_license, make_uscc
from core.tests.test_excel import make_xlsx
from firms.imports import import_firms, import_lawyers
from firms.models import LawFirm, Lawyer, Specialty

FIRM_HEADER = [
    "律所名称",
    "统一社会信用代码",
    "律所主任",
    "地址",
    "所在街道",
    "联系电话",
    "人民调解协会成员(是/否)",
    "尚法教育服务中心成员(是/否)",
]
LAWYER_HEADER = [
    "姓名",
    "执业证号",
    "所属律所",
    "性别",
    "手机号",
    "执业起始日期",
    "专业领域",
    "党员(是/否)",
    "志愿律师(是/否)",
    "收费标准",
]


def full_width(text):
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def import_url(kind):
    return reverse("firms:import", args=[kind])


def export_url(kind):
    return reverse("firms:export", args=[kind])


def sheet_rows(response):
    ws = load_workbook(io.BytesIO(response.content)).active
    return [[c.value for c in row] for row in ws.iter_rows()]


def snapshot():
    return (
        sorted(LawFirm.objects.values_list("pk", "name", "uscc", "director_name", "street_id")),
        sorted(Lawyer.objects.values_list("pk", "name", "license_no", "firm_id", "phone")),
        sorted(Lawyer.specialties.through.objects.values_list("lawyer_id", "specialty_id")),
    )


@pytest.fixture
def specialties(db):
    return {n: Specialty.objects.create(name=n) for n in ("婚姻家庭", "劳动争议", "合同纠纷")}


# --- firms --------------------------------------------------------------------------


def test_bureau_admin_imports_firms(world, client_for):
    new_uscc = make_uscc(900001)
    upload = make_xlsx(
        [
            FIRM_HEADER,
            [" 浙江尚法律师事务所 ", world.firm_f.uscc, "新主任", "", "清波街道", "", "√", "N"],
            [
                "浙江新律师事务所",
                full_width(new_uscc),
                "王主任",
                "某路 1 号",
                "",
                87000002,
                "是",
                1,
            ],
        ],
        title="律师事务所名单",
    )
    response = client_for(world.bureau_admin).post(import_url("firms"), {"file": upload})
    result = response.context["result"]
    assert (result.created, result.updated, result.errors) == (1, 1, [])
    world.firm_f.refresh_from_db()
    assert world.firm_f.director_name == "新主任"
    assert world.firm_f.street == world.street_a
    assert world.firm_f.in_mediation_association and not world.firm_f.in_education_center
    new = LawFirm.objects.get(uscc=new_uscc)
    assert (new.district, new.phone, new.in_education_center) == (world.district, "87000002", True)
    assert OperationLog.objects.filter(
        action=OperationLog.Action.IMPORT, model="firms.LawFirm", district_id=world.district.pk
    ).exists()


def test_firm_errors_are_reported_and_nothing_is_written(world):
    before = snapshot()
    good = make_uscc(900002)
    bad_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    upload = make_xlsx(
        [
            FIRM_HEADER,
            ["好律所", good, "甲", "", "", "", "是", "否"],
            ["坏校验位律所", bad_check, "乙", "", "", "", "否", "否"],
            ["外区律所", world.other_firm.uscc, "丙", "", "", "", "否", "否"],
            ["浙江清波律师事务所", make_uscc(900003), "丁", "", "", "", "否", "否"],
            ["重复律所", good, "戊", "", "", "", "否", "否"],
            ["街道不对律所", make_uscc(900004), "己", "", "其他街道", "", "否", "否"],
            ["是否写错律所", make_uscc(900005), "庚", "", "", "", "可能", "否"],
            ["没主任律所", make_uscc(900006), "", "", "", "", "否", "否"],
        ]
    )
    result = import_firms(actor=world.bureau_admin, district=world.district, upload=upload)
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "统一社会信用代码"),  # bad check character
        (4, "统一社会信用代码"),  # registered in another district
        (5, "律所名称"),  # the name of another firm of the district
        (6, "统一社会信用代码"),  # duplicate of row 2
        (7, "所在街道"),  # a street of another district
        (8, "人民调解协会成员（是/否）"),
        (9, "律所主任"),
    ]
    assert "校验位" in result.errors[0].message
    assert "其他区" in result.errors[1].message
    assert world.firm_g.uscc in result.errors[2].message
    assert "与第 2 行重复" in result.errors[3].message
    assert snapshot() == before


# --- lawyers ------------------------------------------------------------------------


def test_bureau_admin_imports_lawyers(world, client_for, specialties):
    licence_new = make_license(700001, 2015)
    upload = make_xlsx(
        [
            LAWYER_HEADER,
            [
                "张律师",
                world.lawyer_l.license_no,
                "浙江尚法律师事务所",
                "男",
                13912345678.0,
                "2012/3/1",
                "婚姻家庭、劳动争议",
                "是",
                "Y",
                "每小时 300 元",
            ],
            [
                " 王  五 ",
                full_width(licence_new),
                world.firm_g.uscc,  # the firm by its USCC
                "女",
                "１３９ ００００ ０００１",
                "2015年3月1日",
                "合同纠纷",
                "否",
                "0",
                "",
            ],
            ["赵六", make_license(700002, 2018), "浙江清波律师事务所", "", "", "", "", "", "", ""],
        ],
        title="律师名册",
    )
    response = client_for(world.bureau_admin).post(import_url("lawyers"), {"file": upload})
    result = response.context["result"]
    assert (result.created, result.updated, result.errors) == (2, 1, [])
    world.lawyer_l.refresh_from_db()
    assert world.lawyer_l.phone == "13912345678"
    assert world.lawyer_l.practice_start_date == date(2012, 3, 1)
    assert world.lawyer_l.is_party_member and world.lawyer_l.is_volunteer
    assert {s.name for s in world.lawyer_l.specialties.all()} == {"婚姻家庭", "劳动争议"}
    wang = Lawyer.objects.get(license_no=licence_new)
    assert (wang.name, wang.firm, wang.gender, wang.phone) == (
        "王五",
        world.firm_g,
        "F",
        "13900000001",
    )
    assert wang.practice_start_date == date(2015, 3, 1)
    zhao = Lawyer.objects.get(name="赵六")
    assert zhao.practice_start_date == date(2018, 1, 1)  # from the licence number


def test_lawyer_errors_are_reported_and_nothing_is_written(world, specialties):
    before = snapshot()
    row = ["好律师", make_license(700010), "浙江尚法律师事务所", "男", "", "", "", "", "", ""]
    upload = make_xlsx(
        [
            LAWYER_HEADER,
            row,
            ["浮点证号", 1.3301201010700011e16, "浙江尚法律师事务所", "", "", "", "", "", "", ""],
            ["坏证号", "2330120101070001", "浙江尚法律师事务所", "", "", "", "", "", "", ""],
            ["无此律所", make_license(700012), "浙江无名律师事务所", "", "", "", "", "", "", ""],
            ["外区律所", make_license(700013), "其他区律师事务所", "", "", "", "", "", "", ""],
            ["重复", make_license(700010), "浙江尚法律师事务所", "", "", "", "", "", "", ""],
            ["坏专业", make_license(700014), "浙江尚法律师事务所", "", "", "", "炒股", "", "", ""],
            ["坏手机", make_license(700015), "浙江尚法律师事务所", "", "12345", "", "", "", "", ""],
            [
                "坏日期",
                make_license(700016),
                "浙江尚法律师事务所",
                "",
                "",
                "2015-2-30",
                "",
                "",
                "",
                "",
            ],
            ["坏性别", make_license(700017), "浙江尚法律师事务所", "未知", "", "", "", "", "", ""],
            [
                "将来",
                make_license(700018),
                "浙江尚法律师事务所",
                "",
                "",
                "2999-01-01",
                "",
                "",
                "",
                "",
            ],
        ]
    )
    result = import_lawyers(actor=world.bureau_admin, district=world.district, upload=upload)
    assert [(e.row, e.column, e.letter) for e in result.errors] == [
        (3, "执业证号", "B"),  # a float: digits lost
        (4, "执业证号", "B"),  # 16 digits, first is not 1
        (5, "所属律所", "C"),
        (6, "所属律所", "C"),  # a firm of another district is not found
        (7, "执业证号", "B"),  # duplicate of row 2
        (8, "专业领域", "G"),
        (9, "手机号", "E"),
        (10, "执业起始日期", "F"),
        (11, "性别", "D"),
        (12, "执业起始日期", "F"),  # in the future
    ]
    messages = [e.message for e in result.errors]
    assert "15 位有效数字" in messages[0]
    assert "17 位数字" in messages[1]
    assert "浙江无名律师事务所" in messages[2]
    assert "与第 2 行重复" in messages[4]
    assert "炒股" in messages[5] and "婚姻家庭" in messages[5]
    assert snapshot() == before
    assert not OperationLog.objects.filter(action=OperationLog.Action.IMPORT).exists()


def test_a_lawyer_of_another_district_is_not_taken_over(world):
    stranger = make_lawyer(world.other_firm, "外区律师")
    upload = make_xlsx([LAWYER_HEADER[:3], ["外区律师", stranger.license_no, "浙江尚法律师事务所"]])
    result = import_lawyers(actor=world.bureau_admin, district=world.district, upload=upload)
    assert [(e.row, e.column) for e in result.errors] == [(2, "执业证号")]
    stranger.refresh_from_db()
    assert stranger.firm == world.other_firm


def test_firm_admin_imports_lawyers_of_their_own_firm_only(world, client_for):
    client = client_for(world.firm_admin_f)
    page = client.get(import_url("lawyers"))
    assert page.status_code == 200
    assert 'name="district"' not in page.content.decode()
    upload = make_xlsx(
        [
            ["所属律所", "执业证号", "姓名"],
            ["浙江尚法律师事务所", make_license(700020), "本所新律师"],
            ["浙江清波律师事务所", make_license(700021), "他所新律师"],
            ["浙江尚法律师事务所", world.lawyer_other.license_no, "李律师"],
        ]
    )
    result = client.post(import_url("lawyers"), {"file": upload}).context["result"]
    assert [(e.row, e.column) for e in result.errors] == [(3, "所属律所"), (4, "执业证号")]
    assert "只能导入本所（浙江尚法律师事务所）" in result.errors[0].message
    assert not Lawyer.objects.filter(name="本所新律师").exists()

    upload = make_xlsx(
        [["所属律所", "执业证号", "姓名"], [world.firm_f.uscc, make_license(700020), "本所新律师"]]
    )
    result = client.post(import_url("lawyers"), {"file": upload}).context["result"]
    assert result.created == 1
    assert Lawyer.objects.get(name="本所新律师").firm == world.firm_f


def test_firm_admin_exports_their_lawyers_and_may_not_touch_firms(world, client_for):
    make_lawyer(world.firm_f, "本所二号")
    client = client_for(world.firm_admin_f)
    rows = sheet_rows(client.get(export_url("lawyers")))
    assert rows[0] == [c.replace("(", "（").replace(")", "）") for c in LAWYER_HEADER]
    assert sorted(r[0] for r in rows[1:]) == ["张律师", "本所二号"]
    assert {r[2] for r in rows[1:]} == {"浙江尚法律师事务所"}
    assert client.get(import_url("firms")).status_code == 404
    assert client.get(export_url("firms")).status_code == 404
    with pytest.raises(PermissionDenied):
        import_firms(actor=world.firm_admin_f, district=world.district, upload=None)


@pytest.mark.parametrize(
    "persona", ["lawyer_f", "resident", "street_staff_a", "community_staff_a1"]
)
@pytest.mark.parametrize("kind", ["firms", "lawyers"])
def test_others_get_404(world, client_for, persona, kind):
    client = client_for(getattr(world, persona))
    assert client.get(import_url(kind)).status_code == 404
    upload = make_xlsx([LAWYER_HEADER[:3], ["新律师", make_license(700030), "浙江尚法律师事务所"]])
    assert client.post(import_url(kind), {"file": upload}).status_code == 404
    assert client.get(export_url(kind)).status_code == 404
    assert client.get(reverse("firms:import_template", args=[kind])).status_code == 404
    assert not Lawyer.objects.filter(name="新律师").exists()


def test_outsider_cannot_import_into_or_export_from_the_district(world, client_for):
    client = client_for(world.outsider)
    rows = sheet_rows(client.get(export_url("lawyers")))
    assert rows[1:] == []  # the other district has a firm but no lawyers
    firms = sheet_rows(client.get(export_url("firms")))
    assert [r[0] for r in firms[1:]] == ["其他区律师事务所"]
    assert client.get(export_url("firms"), {"district": world.district.pk}).status_code == 404
    upload = make_xlsx([LAWYER_HEADER[:3], ["新律师", make_license(700031), world.firm_f.uscc]])
    result = client.post(
        import_url("lawyers"), {"file": upload, "district": world.district.pk}
    ).context["result"]
    assert [(e.row, e.column) for e in result.errors] == [(2, "所属律所")]
    assert not Lawyer.objects.filter(name="新律师").exists()
    with pytest.raises(PermissionDenied):
        import_lawyers(actor=world.outsider, district=world.district, upload=upload)


def test_templates_download_and_reimport(world, client_for, specialties):
    client = client_for(world.bureau_admin)
    firm_template = client.get(reverse("firms:import_template", args=["firms"]))
    upload = SimpleUploadedFile("律所导入模板.xlsx", firm_template.content)
    result = import_firms(actor=world.bureau_admin, district=world.district, upload=upload)
    assert (result.created, result.errors) == (1, [])  # the example row is valid
    assert LawFirm.objects.get(name="浙江某某律师事务所").street == world.street_a
    rows = sheet_rows(client.get(reverse("firms:import_template", args=["lawyers"])))
    assert len(rows) == 2
    assert rows[1][1] == "13301201510000001"  # the licence example is text, all 17 digits
    exported = client.get(export_url("lawyers"))
    upload = make_xlsx(sheet_rows(exported))
    result = import_lawyers(actor=world.bureau_admin, district=world.district, upload=upload)
    assert (result.created, result.updated, result.unchanged, result.errors) == (0, 0, 2, [])


def test_export_logs_and_query_count_does_not_grow(
    world, client_for, specialties, django_assert_max_num_queries
):
    for i in range(25):
        lawyer = make_lawyer(world.firm_g if i % 2 else world.firm_f)
        lawyer.specialties.set(specialties.values())
    client = client_for(world.bureau_admin)
    # session, user, role bindings, district checks, lawyers, their specialties, the log
    # (+1 on PostgreSQL: the hash chain locks and reads the previous log entry)
    with django_assert_max_num_queries(14):
        response = client.get(export_url("lawyers"))
    rows = sheet_rows(response)
    assert len(rows) == 28
    assert sum(set((r[6] or "").split("、")) == set(specialties) for r in rows) == 25
    log = OperationLog.objects.get(action=OperationLog.Action.EXPORT)
    assert (log.model, log.changes) == ("firms.Lawyer", {"rows": 27})
