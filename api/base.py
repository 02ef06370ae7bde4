"""Compatibility alias: the shared API base lives in core/api.py (lower apps import it)."""

from core.api import *  # noqa: F403
