"""Cleaning what people type. Prose keeps its Chinese (full-width) punctuation, so
unlike core.validators.normalize_text it is not NFKC-normalized."""

from __future__ import annotations

import re

_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\ufeff]")
_BLANK_LINES = re.compile(r"\n{3,}")


def clean_text(value: object) -> str:
    """Trimmed text: invisible characters removed, line ends unified, no runs of
    blank lines."""
    if value is None:
        return ""
    text = _INVISIBLE.sub("", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    return _BLANK_LINES.sub("\n\n", text).strip()
