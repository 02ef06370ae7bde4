"""The role vocabulary of PRODUCT.md. Bindings live with what they bind to."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESIDENT = "resident", _("居民")
    LAWYER = "lawyer", _("律师")
    FIRM_ADMIN = "firm_admin", _("律所管理员")
    COMMUNITY_STAFF = "community_staff", _("社区工作人员")
    STREET_STAFF = "street_staff", _("司法所工作人员")
    BUREAU_ADMIN = "bureau_admin", _("区司法局管理员")
    MEDIATOR = "mediator", _("调解员")
    # Reads every district's operation and login logs; manages nobody (等保 审计管理员).
    # Bound by ``manage.py set_security_auditor`` (accounts.User.is_security_auditor).
    SECURITY_AUDITOR = "security_auditor", _("安全审计员")


STAFF_ROLES = (Role.BUREAU_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_STAFF)
# Roles that must pass a second factor after the password (GB/T 22239-2019 8.1.4.1 d);
# superusers and back-office (is_staff) accounts must too.
TWO_FACTOR_ROLES = (
    Role.BUREAU_ADMIN,
    Role.STREET_STAFF,
    Role.COMMUNITY_STAFF,
    Role.FIRM_ADMIN,
    Role.MEDIATOR,
    Role.SECURITY_AUDITOR,
)
