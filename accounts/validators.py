"""Password rules for privileged accounts (GB/T 22239-2019 8.1.4.1 a): at least
PASSWORD_MIN_LENGTH characters from at least three of lower case, upper case, digits
and other characters. Django's validators (settings) apply to everyone."""

from __future__ import annotations

import string
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.policy import is_privileged

CLASSES = (string.ascii_lowercase, string.ascii_uppercase, string.digits)


def character_classes(password: str) -> int:
    found = {i for char in password for i, chars in enumerate(CLASSES) if char in chars}
    if any(not any(char in chars for chars in CLASSES) for char in password):
        found.add(len(CLASSES))  # anything else: symbols, spaces, Chinese ...
    return len(found)


class PrivilegedPasswordValidator:
    def __init__(self, min_length: int = 8, min_classes: int = 3) -> None:
        self.min_length = min_length
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if not is_privileged(user):
            return
        errors = []
        if len(password) < self.min_length:
            errors.append(
                ValidationError(
                    _("工作人员、律师及管理员的密码至少需要 %(n)d 个字符") % {"n": self.min_length},
                    code="password_too_short",
                )
            )
        if character_classes(password) < self.min_classes:
            errors.append(
                ValidationError(
                    _("密码须包含小写字母、大写字母、数字、符号中的至少 %(n)d 类")
                    % {"n": self.min_classes},
                    code="password_too_simple",
                )
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return _(
            "工作人员、律师及管理员的密码至少 %(n)d 位，"
            "且包含小写字母、大写字母、数字、符号中的至少 %(c)d 类。"
        ) % {"n": self.min_length, "c": self.min_classes}
