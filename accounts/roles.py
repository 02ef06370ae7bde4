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


STAFF_ROLES = (Role.BUREAU_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_STAFF)
