"""Law firms, lawyers, their specialties, firm admins and the guidance group."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.masking import mask_phone
from core.models import AuditedModel
from core.validators import (
    license_year,
    normalize_code,
    validate_license_no,
    validate_phone,
    validate_uscc,
    years_between,
)
from firms.querysets import (
    DistrictChildQuerySet,
    FirmChildQuerySet,
    FirmQuerySet,
    LawyerQuerySet,
    SpecialtyQuerySet,
)
from regions.models import District, Street


class Specialty(AuditedModel):
    """An area of practice, from a managed list (婚姻家庭, 劳动争议 ...)."""

    name = models.CharField(_("名称"), max_length=30, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = SpecialtyQuerySet.as_manager()

    class Meta:
        verbose_name = _("专业领域")
        verbose_name_plural = _("专业领域")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class LawFirm(AuditedModel):
    """A law firm (律师事务所) of a district."""

    district = models.ForeignKey(
        District, verbose_name=_("区"), on_delete=models.PROTECT, related_name="firms"
    )
    name = models.CharField(_("律所名称"), max_length=100)
    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_uscc]
    )
    director_name = models.CharField(_("律所主任"), max_length=50)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    street = models.ForeignKey(
        Street,
        verbose_name=_("所在街道"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="firms",
    )
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    in_mediation_association = models.BooleanField(_("人民调解协会成员"), default=False)
    in_education_center = models.BooleanField(_("尚法教育服务中心成员"), default=False)
    introduction = models.TextField(_("简介"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = FirmQuerySet.as_manager()

    class Meta:
        verbose_name = _("律师事务所")
        verbose_name_plural = _("律师事务所")
        ordering = ["district_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="firms_firm_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        self.uscc = normalize_code(self.uscc)
        if self.street_id and self.district_id:
            street_district = (
                Street.objects.filter(pk=self.street_id)
                .values_list("district_id", flat=True)
                .first()
            )
            if street_district != self.district_id:
                raise ValidationError({"street": _("所在街道不属于该区")})

    def audit_district_id(self) -> int | None:
        return self.district_id


class Lawyer(AuditedModel):
    """A practising lawyer. Years of practice are derived from the practice start
    date, which defaults to 1 January of the year in the licence number."""

    class Gender(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    firm = models.ForeignKey(
        LawFirm, verbose_name=_("律所"), on_delete=models.PROTECT, related_name="lawyers"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lawyer",
    )
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    license_no = models.CharField(
        _("执业证号"), max_length=17, unique=True, validators=[validate_license_no]
    )
    phone = models.CharField(_("手机号"), max_length=11, blank=True, validators=[validate_phone])
    practice_start_date = models.DateField(
        _("执业起始日期"), blank=True, help_text=_("不填则取执业证号中的首次执业年份的 1 月 1 日")
    )
    specialties = models.ManyToManyField(
        Specialty, verbose_name=_("专业领域"), blank=True, related_name="lawyers"
    )
    is_party_member = models.BooleanField(_("党员"), default=False)
    is_volunteer = models.BooleanField(_("志愿律师"), default=False)
    is_director = models.BooleanField(_("律所主任"), default=False)
    fee_standard = models.TextField(
        _("收费标准"), blank=True, help_text=_("公开的有偿服务收费标准，居民选择时可见")
    )
    bio = models.TextField(_("个人简介"), blank=True)
    is_active = models.BooleanField(_("在职"), default=True)
    # Residents' ratings of the lawyer's answers, kept here so the directory needs no
    # aggregate over every question (consultations.services.recount_ratings).
    rating_total = models.PositiveIntegerField(_("评分合计"), default=0, editable=False)
    rating_count = models.PositiveIntegerField(_("评价次数"), default=0, editable=False)

    objects = LawyerQuerySet.as_manager()
    audit_masked_fields = ("phone",)
    audit_role_fields = ("user_id",)

    class Meta:
        verbose_name = _("律师")
        verbose_name_plural = _("律师")
        ordering = ["firm_id", "name"]
        indexes = [
            models.Index(fields=["is_volunteer", "practice_start_date"], name="firms_lawyer_duty")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        self.license_no = normalize_code(self.license_no)
        try:
            validate_license_no(self.license_no)
        except ValidationError:
            return  # the field validator reports it
        if self.practice_start_date is None:
            self.practice_start_date = date(license_year(self.license_no), 1, 1)
        if self.practice_start_date > timezone.localdate():
            raise ValidationError({"practice_start_date": _("执业起始日期不能晚于今天")})

    @property
    def rated(self) -> int:
        return self.rating_count

    @property
    def rating(self) -> float | None:
        """The average rating (1–5), None before the first."""
        return self.rating_total / self.rating_count if self.rating_count else None

    @property
    def years_of_practice(self) -> int:
        return years_between(self.practice_start_date, timezone.localdate())

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def audit_district_id(self) -> int | None:
        return LawFirm.objects.filter(pk=self.firm_id).values_list("district_id", flat=True).first()


class FirmAdmin(AuditedModel):
    """A user who manages a firm on the platform (often its director)."""

    firm = models.ForeignKey(
        LawFirm, verbose_name=_("律所"), on_delete=models.PROTECT, related_name="admins"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.PROTECT,
        related_name="firm_admin_roles",
    )
    is_active = models.BooleanField(_("有效"), default=True)

    objects = FirmChildQuerySet.as_manager()
    audit_role_fields = ("user_id", "firm_id", "is_active")

    class Meta:
        verbose_name = _("律所管理员")
        verbose_name_plural = _("律所管理员")
        constraints = [
            models.UniqueConstraint(fields=["firm", "user"], name="firms_admin_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.firm}"

    def audit_district_id(self) -> int | None:
        return LawFirm.objects.filter(pk=self.firm_id).values_list("district_id", flat=True).first()


class GuidanceGroupMember(AuditedModel):
    """A member of the district's 律师工作指导小组 (senior lawyers)."""

    class Position(models.TextChoices):
        LEADER = "leader", _("组长")
        DEPUTY = "deputy", _("副组长")
        MEMBER = "member", _("成员")

    district = models.ForeignKey(
        District, verbose_name=_("区"), on_delete=models.PROTECT, related_name="guidance_group"
    )
    lawyer = models.ForeignKey(
        Lawyer, verbose_name=_("律师"), on_delete=models.PROTECT, related_name="guidance_roles"
    )
    position = models.CharField(
        _("职务"), max_length=10, choices=Position.choices, default=Position.MEMBER
    )
    since = models.DateField(_("加入日期"), default=timezone.localdate)
    is_active = models.BooleanField(_("在任"), default=True)

    objects = DistrictChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("律师工作指导小组成员")
        verbose_name_plural = _("律师工作指导小组")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "lawyer"], name="firms_guidance_unique_member"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lawyer}（{self.get_position_display()}）"

    def clean(self) -> None:
        super().clean()
        if self.lawyer_id and self.district_id:
            firm_district = (
                Lawyer.objects.filter(pk=self.lawyer_id)
                .values_list("firm__district_id", flat=True)
                .first()
            )
            if firm_district != self.district_id:
                raise ValidationError({"lawyer": _("该律师不属于本区律所")})

    def audit_district_id(self) -> int | None:
        return self.district_id
