from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from pairing.models import Pairing

PAIRED_SINCE = date(2025, 1, 1)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def paired(world):  # type: ignore[no-untyped-def]
    """A1 and A2 (street A) are paired with firm F, B1 (street B) with firm G."""
    for community, firm in (
        (world.community_a1, world.firm_f),
        (world.community_a2, world.firm_f),
        (world.community_b1, world.firm_g),
    ):
        Pairing.objects.create(community=community, firm=firm, start_date=PAIRED_SINCE)
    return world


def image_file(name: str = "photo.jpg", kind: str = "JPEG", size: tuple[int, int] = (40, 30)):  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, kind)
    content_type = "image/png" if kind == "PNG" else "image/jpeg"
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)
