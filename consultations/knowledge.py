"""The knowledge base: Chinese word segmentation (jieba), removal of personal details,
and relevance-ranked search.

Entries store their words space-joined (``tokens``), segmented in search mode so that
a long word is also found by its parts (劳动合同 → 劳动, 合同, 劳动合同). Searching
segments the query the same way and ranks entries by how well they match: on
PostgreSQL with full-text search over ``tokens`` ('simple' configuration, SearchRank,
the vector stored by PostgreSQL in ``search_vector``: consultations migration 0006),
elsewhere (SQLite) by the number of query words an entry contains.
"""

from __future__ import annotations

import logging
import re
import threading
from functools import reduce
from operator import or_
from typing import Any

from django.db import connection
from django.db.models import Case, Expression, IntegerField, QuerySet, Value, When

from core.validators import normalize_text

logger = logging.getLogger(__name__)

MAX_QUERY_TERMS = 12
MASK = "***"
# Words that say nothing about a legal question.
_STOPWORDS = (
    "的 了 吗 呢 吧 啊 是 在 有 和 与 及 或 我 你 他 她 它 我们 "
    "你们 他们 这 那 这个 那个 怎么 怎么办 如何 什么 为什么 可以 能 能否 "
    "是否 请问 请 一下 一个 就 都 也 还 又 被 把 给 对 让 从 到 会 "
    "要 想 没有 不 没 很 应该 需要 现在 已经 自己 律师 您好 你好 谢谢"
)
STOPWORDS = frozenset(_STOPWORDS.split(" "))
_WORD = re.compile(r"\w+")
_ID_NUMBER = re.compile(r"(?<!\d)(\d{17}[\dXx]|\d{15})(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d{9}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_NAME_SPLIT = re.compile(r"[\s,，、;；/和与及]+")

_jieba_lock = threading.Lock()
_jieba: Any = None


def _tokenizer() -> Any:
    """jieba, loaded once (building its dictionary takes about a second)."""
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba = jieba
    return _jieba


def segment(text: str) -> list[str]:
    """The meaningful words of ``text``, in order (repeats kept)."""
    text = normalize_text(text).lower()
    if not text:
        return []
    words = _tokenizer().lcut_for_search(text)
    return [w for w in words if _WORD.fullmatch(w) and w not in STOPWORDS]


def query_terms(text: str) -> list[str]:
    """The distinct words of a query, at most MAX_QUERY_TERMS."""
    seen: dict[str, None] = {}
    for word in segment(text):
        seen.setdefault(word, None)
    return list(seen)[:MAX_QUERY_TERMS]


def party_names(*values: str) -> list[str]:
    """Names to remove: each value split at separators; single characters are kept
    (removing every 王 would destroy the text)."""
    names = set()
    for value in values:
        for part in _NAME_SPLIT.split(normalize_text(value)):
            if len(part) >= 2:
                names.add(part)
    # Longest first, so that 王小明 goes before 小明.
    return sorted(names, key=len, reverse=True)


def scrub(text: str, names: list[str]) -> str:
    """Remove personal details: ID numbers, phone numbers, e-mail addresses and the
    given names of the parties are replaced by ***."""
    text = _ID_NUMBER.sub(MASK, text)
    text = _MOBILE.sub(MASK, text)
    text = _LANDLINE.sub(MASK, text)
    text = _EMAIL.sub(MASK, text)
    for name in names:
        text = text.replace(name, MASK)
    return text


class StoredVector(Expression):
    """The entry's ``search_vector`` column (PostgreSQL only): consultations migration 0006
    has PostgreSQL compute it from ``tokens`` and index it with GIN. Not a model field, so
    that SQLite and every insert or update stay as they are; search reads it for the match
    and the rank instead of segmenting every matching entry again."""

    COLUMN = "search_vector"

    def __init__(self) -> None:
        from django.contrib.postgres.search import SearchVectorField

        super().__init__(output_field=SearchVectorField())

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{table}.{connection.ops.quote_name(self.COLUMN)}", []


def search(qs: QuerySet, text: str) -> QuerySet:
    """Entries matching the words of ``text``, most relevant first (none for no words)."""
    terms = query_terms(text)
    if not terms:
        return qs.none()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank

        vector = StoredVector()
        query = reduce(or_, [SearchQuery(t, config="simple") for t in terms])
        return (
            qs.annotate(document=vector, relevance=SearchRank(vector, query))
            .filter(document=query)
            .order_by("-relevance", "-published_at", "-id")
        )
    matched = [
        Case(
            When(tokens__icontains=t, then=Value(1)), default=Value(0), output_field=IntegerField()
        )
        for t in terms
    ]
    score: Any = reduce(lambda a, b: a + b, matched)  # type: ignore[arg-type, return-value]
    return (
        qs.annotate(relevance=score)
        .filter(relevance__gt=0)
        .order_by("-relevance", "-published_at", "-id")
    )
