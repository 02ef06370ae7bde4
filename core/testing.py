"""Test personas and factories, in one place (ARCHITECTURE.md, convention 7).

Two districts so that tenant isolation is tested too:

district D (区) → street A (and street B) → community A1 (A2 in street A, B1 in street B)
firm F (lawyer L, firm admin), firm G (lawyer of another firm)
district E with its own street, community, firm and bureau admin (the outsider's tenant)
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from accounts.models import User
from accounts.roles import Role
from core.validators import uscc_check_char
from firms.models import FirmAdmin, LawFirm, Lawyer
from regions import services as region_services
from regions.models import Community, District, Street

PASSWORD = "Shangfa#2026"  # noqa: S105  (test personas only)
_seq = itertools.count(1)


def next_phone() -> str:
    return f"139{next(_seq):08d}"


def make_uscc(seed: int) -> str:
    body = "31330000" + f"{seed:09d}"
    return body + uscc_check_char(body)


def make_license(seed: int, year: int = 2010) -> str:
    return f"13301{year:04d}10{seed:06d}"


def make_user(name: str = "", **extra: Any) -> User:
    return User.objects.create_user(next_phone(), PASSWORD, name=name, **extra)


def make_district(name: str = "测试区", code: str | None = None) -> District:
    return region_services.create_district(name=name, code=code or f"33{next(_seq):04d}")


def make_street(district: District, name: str | None = None) -> Street:
    return Street.objects.create(district=district, name=name or f"街道{next(_seq)}")


def make_community(street: Street, name: str | None = None, households: int = 1000) -> Community:
    return Community.objects.create(
        street=street,
        name=name or f"社区{next(_seq)}",
        households=households,
        population=households * 2,
    )


def make_firm(district: District, name: str | None = None) -> LawFirm:
    n = next(_seq)
    return LawFirm.objects.create(
        district=district, name=name or f"律师事务所{n}", uscc=make_uscc(n), director_name="主任"
    )


def make_lawyer(
    firm: LawFirm, name: str | None = None, *, year: int = 2010, **extra: Any
) -> Lawyer:
    n = next(_seq)
    return Lawyer.objects.create(
        firm=firm,
        name=name or f"律师{n}",
        license_no=make_license(n, year),
        practice_start_date=date(year, 1, 1),
        **extra,
    )


@dataclass
class World:
    district: District
    street_a: Street
    street_b: Street
    community_a1: Community
    community_a2: Community
    community_b1: Community
    firm_f: LawFirm
    firm_g: LawFirm
    lawyer_l: Lawyer
    lawyer_other: Lawyer
    other_district: District
    other_street: Street
    other_community: Community
    other_firm: LawFirm
    # personas
    bureau_admin: User
    street_staff_a: User
    community_staff_a1: User
    firm_admin_f: User
    lawyer_f: User
    lawyer_g: User
    resident: User
    outsider: User  # bureau admin of the other district
    superuser: User

    def personas(self) -> dict[str, User]:
        return {
            "bureau_admin": self.bureau_admin,
            "street_staff_a": self.street_staff_a,
            "community_staff_a1": self.community_staff_a1,
            "firm_admin_f": self.firm_admin_f,
            "lawyer_f": self.lawyer_f,
            "lawyer_g": self.lawyer_g,
            "resident": self.resident,
            "outsider": self.outsider,
        }


def build_world() -> World:
    d = make_district("上城测试区", "330102")
    sa, sb = make_street(d, "清波街道"), make_street(d, "湖滨街道")
    a1, a2, b1 = (
        make_community(sa, "清波社区"),
        make_community(sa, "柳翠井巷社区"),
        make_community(sb, "东坡路社区"),
    )
    f, g = make_firm(d, "浙江尚法律师事务所"), make_firm(d, "浙江清波律师事务所")
    e = make_district("其他区", "330105")
    es = make_street(e, "其他街道")
    ec = make_community(es, "其他社区")
    ef = make_firm(e, "其他区律师事务所")

    bureau = make_user("局管理员")
    region_services.grant_region_role(actor=None, user=bureau, role=Role.BUREAU_ADMIN, place=d)
    street_staff = make_user("所工作人员")
    region_services.grant_region_role(
        actor=None, user=street_staff, role=Role.STREET_STAFF, place=sa
    )
    comm_staff = make_user("社区工作人员")
    region_services.grant_region_role(
        actor=None, user=comm_staff, role=Role.COMMUNITY_STAFF, place=a1
    )
    firm_admin = make_user("律所主任")
    FirmAdmin.objects.create(firm=f, user=firm_admin)
    lawyer_user = make_user("张律师")
    lawyer = make_lawyer(f, "张律师", user=lawyer_user, is_volunteer=True)
    other_lawyer_user = make_user("李律师")
    other_lawyer = make_lawyer(g, "李律师", user=other_lawyer_user)
    resident = make_user("王居民")
    region_services.set_home_community(user=resident, community=a1)
    outsider = make_user("外区管理员")
    region_services.grant_region_role(actor=None, user=outsider, role=Role.BUREAU_ADMIN, place=e)
    superuser = User.objects.create_superuser(next_phone(), PASSWORD, name="超级管理员")
    return World(
        district=d,
        street_a=sa,
        street_b=sb,
        community_a1=a1,
        community_a2=a2,
        community_b1=b1,
        firm_f=f,
        firm_g=g,
        lawyer_l=lawyer,
        lawyer_other=other_lawyer,
        other_district=e,
        other_street=es,
        other_community=ec,
        other_firm=ef,
        bureau_admin=bureau,
        street_staff_a=street_staff,
        community_staff_a1=comm_staff,
        firm_admin_f=firm_admin,
        lawyer_f=lawyer_user,
        lawyer_g=other_lawyer_user,
        resident=resident,
        outsider=outsider,
        superuser=superuser,
    )


def walk_more(client: Any, url: str, *, limit: int = 10) -> tuple[list[int], list[Any]]:
    """Follow a keyset list's "更多" (core.paging) from its first page: the ids of every row
    shown, in order, and the responses. Each page but the last must offer "更多"."""
    ids: list[int] = []
    responses: list[Any] = []
    params: dict[str, str] = {}
    for _ in range(limit):
        response = client.get(url, params)
        responses.append(response)
        page = response.context["page_obj"]
        ids += [row.pk for row in page]
        if not page.has_next:
            return ids, responses
        assert page.more_label in response.content.decode()  # noqa: S101
        params = {"after": page.next_cursor}
    raise AssertionError(f"more than {limit} pages")


REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


@contextmanager
def redis_cache(settings: Any) -> Iterator[tuple[Any, str]]:
    """The production cache (core.cache.RedisCache) on the real Redis (REDIS_URL, default
    the local one) under a key prefix of its own, removed afterwards: yields the Redis
    client and the prefix. Without Redis the test fails; it is never skipped."""
    import pytest
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis is not reachable at {REDIS_URL} ({exc}); start redis-server.")
    prefix = f"shangfa-test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {"BACKEND": "core.cache.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}
    }
    server = redis.Redis.from_url(REDIS_URL)
    try:
        yield server, prefix
    finally:
        for key in server.scan_iter(f"{prefix}:*"):
            server.delete(key)


# --- every route ------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One URL pattern of the project: its full name (``app:name``, the pattern text
    where it has none) and a path to request it, its arguments filled with samples."""

    name: str
    path: str
    args: tuple[str, ...] = ()

    def with_args(self, **kwargs: Any) -> str:
        """The route's path with these arguments (the rest keep their samples)."""
        from django.urls import resolve, reverse

        sampled = resolve(self.path).kwargs
        return reverse(self.name, kwargs={**sampled, **{k: str(v) for k, v in kwargs.items()}})


# Sample values tried in turn for a route's arguments until ``reverse`` accepts them:
# ids, years and months accept digits; the admin's app list wants an app label.
_SAMPLES = ("1", "2026", "2026-01", "core", "x")


def _reversed(name: str, args: list[str], value_for: dict[str, str]) -> str:
    from django.urls import NoReverseMatch, reverse

    for sample in _SAMPLES:
        kwargs = {arg: value_for.get(arg, "json" if arg == "format" else sample) for arg in args}
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    raise AssertionError(f"no sample arguments for route {name} ({args})")


def routes(value_for: dict[str, str] | None = None) -> list[Route]:
    """Every route the URL resolver knows (pages, the API router's, the admin's), each
    once, with a path built by ``reverse`` from sample arguments: new routes join every
    test built on this list without being named anywhere."""
    from django.urls import URLPattern, URLResolver, get_resolver
    from django.urls.resolvers import RegexPattern, RoutePattern

    value_for = value_for or {}
    found: dict[str, Route] = {}

    def walk(patterns: list[Any], namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = entry.namespace or ""
                walk(entry.url_patterns, f"{namespace}:{inner}".strip(":") if inner else namespace)
                continue
            assert isinstance(entry, URLPattern)  # noqa: S101
            if not entry.name:
                continue  # unnamed: static files served by whitenoise, nothing else
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            pattern = entry.pattern
            if isinstance(pattern, RoutePattern):
                args = list(pattern.converters)
            else:
                assert isinstance(pattern, RegexPattern)  # noqa: S101
                args = list(pattern.regex.groupindex)
            if "format" in args:
                continue  # the router's ".json" twin of a route listed without it
            found.setdefault(name, Route(name, _reversed(name, args, value_for), tuple(args)))

    walk(get_resolver().url_patterns, "")
    return sorted(found.values(), key=lambda r: r.name)
