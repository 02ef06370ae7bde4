from typing import Any

from django.conf import settings
from django.http import HttpRequest

from core.scope import get_principal


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "SITE_NAME": settings.SITE_NAME,
        "DEMO_MODE": settings.DEMO_MODE,
        "care_mode": request.COOKIES.get("care_mode") == "1",
        "principal": get_principal(getattr(request, "user", None)),
    }
