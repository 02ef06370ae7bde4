"""Front-end assets that come from PyPI packages which are not Django apps."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def echarts_static_dir() -> Path:
    """The folder holding echarts.esm.min.js in the instaui-echarts package (found
    without importing the package, which would pull in its UI framework)."""
    spec = importlib.util.find_spec("instaui_echarts")
    if spec is None or not spec.submodule_search_locations:
        raise ImproperlyConfigured("instaui-echarts is not installed (run make install)")
    folder = Path(next(iter(spec.submodule_search_locations))) / "static"
    if not (folder / "echarts.esm.min.js").exists():
        raise ImproperlyConfigured(f"echarts.esm.min.js not found in {folder}")
    return folder
