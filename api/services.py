"""API sign-in state: the token a client holds, and the login log entries for it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from rest_framework.authtoken.models import Token

from accounts.models import User
from accounts.services import record_login
from core.models import LoginLog


@transaction.atomic
def issue_token(*, request: Any, user: User, method: str) -> Token:
    """The user's API token (one per user, shared by their devices); logs the sign-in."""
    token, _ = Token.objects.get_or_create(user=user)
    user_logged_in.send(sender=type(user), request=request, user=user)
    record_login(request=request, phone=user.phone, method=method, success=True, user=user)
    return token


@transaction.atomic
def revoke_token(*, request: Any, user: User) -> None:
    """Sign the user out of the API on every device."""
    Token.objects.filter(user=user).delete()
    record_login(
        request=request, phone=user.phone, method=LoginLog.Method.LOGOUT, success=True, user=user
    )
