"""Identity (GB/T 22239-2019 8.1.4.1 a): unique accounts, none shipped by default,
stronger passwords for privileged accounts, and privileged passwords that expire."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.validators import PrivilegedPasswordValidator, character_classes
from core.models import OperationLog
from core.testing import PASSWORD

STRONG = "Qingbo#2027x"


def test_no_account_comes_with_the_migrations(db):
    assert not User.objects.exists()


def test_no_fixture_ships_an_account():
    root = Path(settings.BASE_DIR)
    for path in root.glob("*/fixtures/*.json"):
        rows = json.loads(path.read_text(encoding="utf-8"))
        assert not [r for r in rows if r.get("model") == "accounts.user"], path


def test_phones_are_unique(db):
    User.objects.create_user("13900000001", STRONG)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("13900000001", STRONG)


@pytest.mark.parametrize(
    ("password", "classes"),
    [
        ("abcdefgh", 1),
        ("abcd1234", 2),
        ("Abcd1234", 3),
        ("abcd#234", 3),
        ("Ab1#", 4),
        ("律师ab12", 3),
    ],
)
def test_character_classes(password, classes):
    assert character_classes(password) == classes


@pytest.mark.parametrize("persona", ["bureau_admin", "street_staff_a", "lawyer_f", "firm_admin_f"])
def test_privileged_accounts_need_three_classes_and_eight_characters(world, persona):
    user = world.personas()[persona]
    with pytest.raises(ValidationError) as too_simple:
        validate_password("qingbolawyer", user)
    assert "至少 3 类" in " ".join(too_simple.value.messages)
    with pytest.raises(ValidationError) as too_short:
        validate_password("Qb#27x", user)
    assert "至少需要 8 个字符" in " ".join(too_short.value.messages)
    validate_password(STRONG, user)


def test_superusers_and_new_accounts_are_privileged(world):
    validator = PrivilegedPasswordValidator()
    for user in (world.superuser, User(phone="13900000002"), None):
        with pytest.raises(ValidationError):
            validator.validate("qingbolawyer", user)


def test_residents_get_djangos_rules_only(world):
    PrivilegedPasswordValidator().validate("qingbolawyer", world.resident)
    with pytest.raises(ValidationError) as short:
        validate_password("qb27", world.resident)
    assert [e.code for e in short.value.error_list] == ["password_too_short"]


def test_setting_a_password_records_when(world):
    user = User.objects.get(pk=world.lawyer_f.pk)
    before = user.password_changed_at
    assert before is not None  # create_user set it
    user.set_password(STRONG)
    assert user.password_changed_at > before


def test_checking_a_password_is_no_change(world, settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    user = User.objects.get(pk=world.lawyer_f.pk)
    changed = user.password_changed_at
    assert user.check_password(PASSWORD)  # re-hashed with PBKDF2 on the way
    assert user.password.startswith("pbkdf2_")
    assert user.password_changed_at == changed


def _expire(user: User, days: int) -> None:
    old = timezone.now() - timedelta(days=days)
    User.objects.filter(pk=user.pk).update(password_changed_at=old)


def test_expired_password_sends_privileged_users_to_change_it(world, sign_in, settings):
    _expire(world.lawyer_f, settings.PASSWORD_MAX_AGE_DAYS + 1)
    client = sign_in(world.lawyer_f)
    response = client.get(reverse("workspace"))
    change = reverse("accounts:password_change")
    assert response.status_code == 302
    assert response["Location"] == f"{change}?next=%2Fworkspace%2F"
    page = client.get(response["Location"])
    assert page.status_code == 200 and "密码已超过 90 天未修改" in page.content.decode()
    weak = client.post(
        change,
        {"old_password": PASSWORD, "new_password1": "qingbo2027", "new_password2": "qingbo2027"},
    )
    assert "至少 3 类" in weak.content.decode()
    assert client.get(reverse("workspace")).status_code == 302  # still sent to change it
    done = client.post(
        change,
        {
            "old_password": PASSWORD,
            "new_password1": STRONG,
            "new_password2": STRONG,
            "next": "/workspace/",
        },
    )
    assert done.status_code == 302 and done["Location"] == "/workspace/"
    assert client.get(reverse("workspace")).status_code == 200  # still signed in
    user = User.objects.get(pk=world.lawyer_f.pk)
    assert user.check_password(STRONG)
    assert timezone.now() - user.password_changed_at < timedelta(minutes=1)
    entry = OperationLog.objects.filter(model="accounts.User", object_id=str(user.pk)).latest("id")
    assert entry.changes["password"] == "（已隐藏）"
    assert user.password not in json.dumps(entry.changes)


def test_password_age_within_the_limit_is_fine(world, sign_in, settings):
    _expire(world.lawyer_f, settings.PASSWORD_MAX_AGE_DAYS - 1)
    assert sign_in(world.lawyer_f).get(reverse("workspace")).status_code == 200


def test_residents_passwords_do_not_expire(world, sign_in, settings):
    _expire(world.resident, settings.PASSWORD_MAX_AGE_DAYS * 3)
    assert sign_in(world.resident).get(reverse("workspace")).status_code == 200


def test_expiry_only_applies_to_password_sessions(world, client, settings):
    _expire(world.lawyer_f, settings.PASSWORD_MAX_AGE_DAYS + 1)
    client.force_login(world.lawyer_f)
    assert client.get(reverse("workspace")).status_code == 200


def test_password_change_refuses_a_wrong_old_password(world, client_for):
    client = client_for(world.resident)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": STRONG, "new_password2": STRONG},
    )
    assert response.status_code == 200
    assert "旧密码不正确" in response.content.decode()
    assert User.objects.get(pk=world.resident.pk).check_password(PASSWORD)


def test_password_change_needs_a_user(client, db):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
