"""The declarative form of scope (core.scope.Scope): a role table and further branches,
applied by ScopedQuerySet's verbs; superusers, users without a role, lookups shared by
several roles, a child that follows its parent, and the union form."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Q

from accounts.models import User
from accounts.roles import Role
from core.scope import (
    ANY_ROLE,
    EVERYONE,
    NOBODY,
    THROUGH_SERVICES_ONLY,
    Gate,
    RoleTable,
    Scope,
    ScopedQuerySet,
    always,
    district,
    follows,
    get_principal,
    own,
    parent,
)
from firms.models import LawFirm
from regions.models import Community, Street

pytestmark = pytest.mark.django_db

COMMUNITIES = Scope(
    {
        Role.BUREAU_ADMIN: "street__district_id",
        Role.STREET_STAFF: "street_id",
        Role.COMMUNITY_STAFF: "id",
    }
)


def names(qs) -> set[str]:
    return {row.name for row in qs}


def test_each_role_matches_its_own_lookup(world):
    every = Community.objects.all()
    assert names(COMMUNITIES.apply(every, world.community_staff_a1)) == {world.community_a1.name}
    street_a = set(Community.objects.filter(street=world.street_a).values_list("name", flat=True))
    assert names(COMMUNITIES.apply(every, world.street_staff_a)) == street_a
    in_district = Community.objects.filter(street__district=world.district)
    assert names(COMMUNITIES.apply(every, world.bureau_admin)) == names(in_district)
    assert world.other_community.name not in names(COMMUNITIES.apply(every, world.bureau_admin))
    assert names(COMMUNITIES.apply(every, world.outsider)) == names(
        Community.objects.filter(street__district=world.other_district)
    )


def test_a_user_without_a_listed_role_sees_nothing_and_asks_nothing(
    world, django_assert_num_queries
):
    resident = User.objects.get(pk=world.resident.pk)
    get_principal(resident)  # the bindings are read once per request
    with django_assert_num_queries(0):
        assert list(COMMUNITIES.apply(Community.objects.all(), resident)) == []
    assert list(COMMUNITIES.apply(Community.objects.all(), None)) == []


def test_superusers_see_every_row_unless_the_scope_says_otherwise(world):
    every = set(Community.objects.values_list("pk", flat=True))
    assert (
        set(
            COMMUNITIES.apply(Community.objects.all(), world.superuser).values_list("pk", flat=True)
        )
        == every
    )
    assert (
        set(NOBODY.apply(Community.objects.all(), world.superuser).values_list("pk", flat=True))
        == every
    )
    assert list(NOBODY.apply(Community.objects.all(), world.bureau_admin)) == []
    assert list(THROUGH_SERVICES_ONLY.apply(Community.objects.all(), world.superuser)) == []
    only_bound = Scope({Role.COMMUNITY_STAFF: "id"}, superuser=False)
    assert list(only_bound.apply(Community.objects.all(), world.superuser)) == []
    assert names(only_bound.apply(Community.objects.all(), world.community_staff_a1)) == {
        world.community_a1.name
    }


def test_parent_and_district_targets(world):
    firms = Scope({Role.FIRM_ADMIN: "id", Role.LAWYER: parent("id")})
    assert set(firms.apply(LawFirm.objects.all(), world.lawyer_f)) == {world.firm_f}
    assert set(firms.apply(LawFirm.objects.all(), world.firm_admin_f)) == {world.firm_f}
    assert list(firms.apply(LawFirm.objects.all(), world.street_staff_a)) == []
    anyone = Scope({ANY_ROLE: district("street__district_id")})
    in_district = names(Community.objects.filter(street__district=world.district))
    assert names(anyone.apply(Community.objects.all(), world.street_staff_a)) == in_district
    assert names(anyone.apply(Community.objects.all(), world.community_staff_a1)) == in_district
    assert world.other_community.name not in names(
        anyone.apply(Community.objects.all(), world.resident)
    )
    assert world.other_community.name in names(
        anyone.apply(Community.objects.all(), world.outsider)
    )
    assert list(anyone.apply(Community.objects.all(), None)) == []


def test_roles_sharing_a_lookup_make_one_condition(world):
    scope = Scope(
        {
            Role.STREET_STAFF: district("street__district_id"),
            Role.BUREAU_ADMIN: "street__district_id",
        }
    )
    sql = str(scope.apply(Community.objects.all(), world.bureau_admin).query)
    assert sql.count(" IN (") == 1


def test_further_branches_own_and_always(world):
    scope = Scope(also=(own("pk"), always(Q(is_active=False))))
    User.objects.filter(pk=world.lawyer_g.pk).update(is_active=False)
    seen = set(scope.apply(User.objects.all(), world.resident).values_list("pk", flat=True))
    assert seen == {world.resident.pk, world.lawyer_g.pk}
    assert set(scope.apply(User.objects.all(), None).values_list("pk", flat=True)) == {
        world.lawyer_g.pk
    }


def test_a_child_follows_its_parent(world):
    scope = Scope(also=(follows("street"),))
    for user in (world.street_staff_a, world.bureau_admin, world.outsider, world.resident):
        expected = Community.objects.filter(street__in=Street.objects.visible_to(user))
        assert names(scope.apply(Community.objects.all(), user)) == names(expected), user


def test_the_union_form_finds_the_same_rows(world):
    either: RoleTable = {
        Role.STREET_STAFF: "street_id",
        Role.COMMUNITY_STAFF: "id",
        Role.BUREAU_ADMIN: "street__district_id",
    }
    for user in (
        world.street_staff_a,
        world.community_staff_a1,
        world.bureau_admin,
        world.resident,
    ):
        joined = Scope(either).apply(Community.objects.all(), user)
        unioned = Scope(either, union=True).apply(Community.objects.all(), user)
        assert names(unioned) == names(joined), user
    staff = User.objects.get(pk=world.street_staff_a.pk)
    both = Scope(
        {Role.STREET_STAFF: "street_id"}, also=(always(Q(pk=world.other_community.pk)),), union=True
    )
    qs = both.apply(Community.objects.all(), staff)
    assert "UNION ALL" in str(qs.query)
    assert world.other_community.name in names(qs)


def test_verbs_of_a_queryset_read_its_declarations(world):
    class Scoped(ScopedQuerySet):
        visible = COMMUNITIES
        confirmable = Scope({Role.COMMUNITY_STAFF: "id"})

        def confirmable_by(self, user):
            return self.scoped(self.confirmable, user)

    qs = Scoped(model=Community)
    assert names(qs.visible_to(world.street_staff_a)) == names(qs.editable_by(world.street_staff_a))
    assert names(qs.confirmable_by(world.street_staff_a)) == set()
    assert names(qs.confirmable_by(world.community_staff_a1)) == {world.community_a1.name}
    assert list(ScopedQuerySet(model=Community).visible_to(world.bureau_admin)) == []
    assert (
        ScopedQuerySet(model=Community).visible_to(world.superuser).count()
        == Community.objects.count()
    )


def test_without_an_edit_rule_rows_are_edited_as_seen_even_through_a_method(world):
    class WrittenByHand(ScopedQuerySet):
        def visible_to(self, user):
            return self.filter(pk=world.community_a1.pk)

    qs = WrittenByHand(model=Community)
    assert names(qs.editable_by(world.resident)) == {world.community_a1.name}


def test_a_child_follows_a_parent_several_relations_away(world):
    from regions.models import District

    scope = Scope(also=(follows("street__district"),))
    for user in (world.street_staff_a, world.outsider, world.resident, None):
        expected = Community.objects.filter(street__district__in=District.objects.visible_to(user))
        assert names(scope.apply(Community.objects.all(), user)) == names(expected), user
    assert world.other_community.name in names(scope.apply(Community.objects.all(), world.outsider))


def test_everyone_sees_a_public_list(world):
    every = names(Community.objects.all())
    assert names(EVERYONE.apply(Community.objects.all(), None)) == every
    assert names(EVERYONE.apply(Community.objects.all(), world.resident)) == every


@pytest.mark.parametrize(
    "kind",
    ["scope", "gate"],
)
def test_holds_reads_the_bindings_without_a_query(world, django_assert_num_queries, kind):
    """A Scope's holds() and a Gate's: a role of the table admits, superusers too unless
    superuser=False; no query (the request's bindings)."""
    if kind == "scope":
        holder: Any = Scope({Role.STREET_STAFF: "street_id", Role.LAWYER: parent("firm_id")})
        strict: Any = Scope(holder.roles, superuser=False)
    else:
        holder = Gate((Role.STREET_STAFF, Role.LAWYER))
        strict = Gate(holder.roles, superuser=False)
    users = {
        u: User.objects.get(pk=u.pk)
        for u in (world.street_staff_a, world.lawyer_f, world.resident, world.superuser)
    }
    for user in users.values():
        get_principal(user)  # read once per request
    with django_assert_num_queries(0):
        assert holder.holds(users[world.street_staff_a])
        assert holder.holds(users[world.lawyer_f])
        assert not holder.holds(users[world.resident])
        assert holder.holds(users[world.superuser])
        assert not strict.holds(users[world.superuser])
        assert not holder.holds(None)
