from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Max

from accounts.models import User
from accounts.roles import Role
from core.models import OperationLog
from core.validators import validate_license_no, validate_uscc
from firms.models import FirmAdmin, GuidanceGroupMember, LawFirm, Lawyer, Specialty
from regions import demo
from regions.models import (
    Community,
    District,
    DistrictSettings,
    RegionRole,
    ResidentProfile,
    Street,
    StudioMember,
)

pytestmark = pytest.mark.django_db

MODELS = (
    District,
    DistrictSettings,
    Street,
    Community,
    StudioMember,
    RegionRole,
    ResidentProfile,
    Specialty,
    LawFirm,
    Lawyer,
    Lawyer.specialties.through,
    FirmAdmin,
    GuidanceGroupMember,
    User,
)


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def logins() -> str:
    out = StringIO()
    call_command("demo_logins", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in MODELS}


def test_seed_builds_the_demo_district():
    out = seed()
    assert "演示数据已生成" in out
    district = District.objects.get(code=demo.DISTRICT_CODE)
    assert district.is_demo and district.name == "上城区"
    streets = Street.objects.filter(district=district)
    assert sorted(s.name for s in streets) == sorted(
        ["清波街道", "湖滨街道", "小营街道", "望江街道", "南星街道", "紫阳街道"]
    )
    assert all(s.communities.count() == 9 for s in streets)
    communities = Community.objects.filter(street__district=district)
    assert communities.count() == 54
    assert communities.filter(name="柳翠井巷社区", street__name="清波街道").exists()
    for c in communities:
        assert 800 <= c.households <= 4000
        assert 2.0 <= c.population / c.households <= 2.6
        assert c.studio_members.count() == 5
    assert LawFirm.objects.filter(district=district).count() == 30
    assert Lawyer.objects.filter(firm__district=district).count() == 200
    assert GuidanceGroupMember.objects.filter(district=district).count() == 7
    for firm in LawFirm.objects.filter(district=district):
        directors = list(firm.lawyers.filter(is_director=True))
        assert len(directors) == 1 and directors[0].name == firm.director_name


def test_every_role_has_a_demo_account_and_all_users_are_marked():
    seed()
    assert RegionRole.objects.filter(role=Role.BUREAU_ADMIN).count() == 1
    assert RegionRole.objects.filter(role=Role.STREET_STAFF).count() == 6
    assert RegionRole.objects.filter(role=Role.COMMUNITY_STAFF).count() >= 3
    assert FirmAdmin.objects.count() >= 1
    assert Lawyer.objects.filter(user__isnull=False).count() >= 3
    assert ResidentProfile.objects.filter(community__isnull=False).count() >= 1
    assert User.objects.filter(is_superuser=True).count() == 1
    assert not User.objects.filter(is_demo=False).exists()
    assert User.objects.get(phone="13800000001").is_staff  # bureau admin: back office


def test_policy_numbers_specialties_and_practice_years():
    seed()
    s = DistrictSettings.objects.get(district__code=demo.DISTRICT_CODE)
    assert (s.reply_deadline_hours, s.duty_lawyers_per_day, s.duty_min_practice_years) == (
        24,
        2,
        5,
    )
    assert s.liaison_subsidy_yuan == Decimal("4000.00") and s.service_day_of_month == 15
    assert set(Specialty.objects.values_list("name", flat=True)) == set(demo.SPECIALTIES)
    lawyers = list(Lawyer.objects.prefetch_related("specialties"))
    assert all(1 <= len(x.specialties.all()) <= 3 for x in lawyers)
    years = {x.years_of_practice for x in lawyers}
    assert min(years) < 5 and max(years) >= 20
    duty_ready = [x for x in lawyers if x.is_volunteer and x.years_of_practice >= 5]
    assert len(duty_ready) >= 14  # a week of two duty lawyers a day without repeats


def test_every_row_passes_full_clean_and_codes_are_valid():
    seed()
    for model in (District, Street, Community, StudioMember, RegionRole, LawFirm, Lawyer):
        for obj in model.objects.all():
            obj.full_clean()
    for obj in (*GuidanceGroupMember.objects.all(), *ResidentProfile.objects.all()):
        obj.full_clean()
    for user in User.objects.all():
        user.full_clean()
    for firm in LawFirm.objects.all():
        validate_uscc(firm.uscc)
        assert firm.uscc.startswith("31")  # registered by justice administration, law firm
        assert firm.introduction.startswith("【演示数据】")
    for lawyer in Lawyer.objects.all():
        validate_license_no(lawyer.license_no)
        assert int(lawyer.license_no[5:9]) == lawyer.practice_start_date.year


def test_second_run_changes_nothing():
    seed()
    before = counts()
    stamp = LawFirm.objects.aggregate(m=Max("updated_at"))["m"]
    logs = OperationLog.objects.count()
    out = seed()
    assert "未做任何修改" in out
    assert counts() == before
    assert LawFirm.objects.aggregate(m=Max("updated_at"))["m"] == stamp
    assert OperationLog.objects.count() == logs


def test_plan_is_deterministic_and_matches_the_database():
    assert demo.build_plan() == demo.build_plan()
    seed()
    plan = demo.build_plan()
    planned = {x.license_no for f in plan.firms for x in f.lawyers}
    assert set(Lawyer.objects.values_list("license_no", flat=True)) == planned


def test_once_exits_when_the_district_exists_but_a_full_run_repairs():
    seed("--once")
    member = StudioMember.objects.order_by("pk")[0]
    member.delete()
    assert seed("--once") == ""
    assert not StudioMember.objects.filter(name=member.name, community=member.community).exists()
    seed()
    assert StudioMember.objects.filter(name=member.name, community=member.community).exists()
    assert StudioMember.objects.count() == 270


def test_refuses_when_real_data_holds_the_demo_keys():
    District.objects.create(name="真实区", code=demo.DISTRICT_CODE)
    with pytest.raises(CommandError, match="非演示数据"):
        seed()
    assert not Street.objects.exists()


def test_refuses_when_a_real_account_holds_a_demo_phone():
    User.objects.create_user("13800000001", "Real#Pass2026", name="真实用户")
    with pytest.raises(CommandError, match="真实账号"):
        seed()
    assert not District.objects.exists()  # rolled back as a whole
    assert not User.objects.get(phone="13800000001").is_demo


def test_demo_accounts_sign_in_with_the_published_password(client):
    seed()
    for phone in ("13800000001", "13800000002", "13800000011", "13800000021", "13800000041"):
        assert client.login(phone=phone, password=demo.DEMO_PASSWORD), phone
        assert client.get("/workspace/").status_code == 200
        client.logout()
    assert not client.login(phone="13800000001", password="wrong-password")
    assert client.login(phone="13800000000", password=demo.DEMO_PASSWORD)
    assert client.get("/admin/").status_code == 200


def test_demo_logins_lists_every_role():
    assert "尚未生成演示数据" in logins()
    seed()
    out = logins()
    lines = out.splitlines()
    for label in ("区司法局管理员", "司法所工作人员", "社区工作人员", "律所管理员", "律师", "居民"):
        assert any(line.startswith(label + " ") for line in lines), label
    assert "超级管理员" in out and demo.DEMO_PASSWORD in out and "13800000001" in out
    for url in ("http://127.0.0.1:8000/", "http://127.0.0.1:8000/admin/", "/api/docs/"):
        assert url in out


def test_nothing_secret_or_seeded_without_demo_mode(settings):
    seed()
    settings.DEMO_MODE = False
    out = logins()
    assert "DEMO_MODE" in out
    assert demo.DEMO_PASSWORD not in out and "138000000" not in out
    assert "不生成演示数据" in seed("--once")
    with pytest.raises(CommandError, match="DEMO_MODE"):
        seed()


def test_apps_above_add_their_demo_data(tmp_path, monkeypatch, settings):
    import importlib
    import sys
    from types import SimpleNamespace

    package = tmp_path / "demoapp"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "demo.py").write_text(
        "calls = []\n"
        "def seed(district, rng):\n"
        "    calls.append((district.code, rng.random()))\n"
        "    return {'things': 2}\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("demoapp")
    config = SimpleNamespace(label="demoapp", name="demoapp", path=str(package), module=module)
    monkeypatch.setattr(demo.apps, "get_app_configs", lambda: [config])
    settings.BASE_DIR = tmp_path
    assert "demoapp.things 2" in seed()  # the app's rows are reported
    seed()
    calls = sys.modules["demoapp.demo"].calls
    assert [code for code, _ in calls] == [demo.DISTRICT_CODE, demo.DISTRICT_CODE]
    assert calls[0][1] == calls[1][1]  # the same random numbers on every run
    for name in ("demoapp.demo", "demoapp"):
        sys.modules.pop(name, None)
