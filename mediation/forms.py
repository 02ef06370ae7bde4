"""Forms of the mediation pages. They parse input; the services decide (a forged id
outside the offered choices is refused like an unknown one, and the services check
everything again)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin, OptionalPhoneField
from firms.models import Lawyer
from mediation.choices import Channel, DisputeCategory, Guidance, PartyRole, SessionKind
from mediation.models import Case, MediationLawyer, Mediator, Organization, Party, Session
from mediation.services import Application, PartyDraft
from regions.forms import CommunityField, CommunityPickerMixin
from regions.models import Community

EVIDENCE_HELP = _("最多 5 个文件，每个不超过 5 MB；支持 JPG、PNG、PDF、DOCX")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the service."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf,.docx"})
        )
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", EVIDENCE_HELP)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def org_label(obj: Organization) -> str:
    return f"{obj.name}（{obj.get_level_display()}·{obj.get_kind_display()}）"


class OrganizationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return org_label(obj)


class LawyerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Lawyer) -> str:
        return f"{obj.name}（{obj.firm.name}）"


class MediatorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Mediator) -> str:
        account = "" if obj.user_id else "，未开通账号"
        return f"{obj.name}（{obj.organization.name}·{obj.get_grade_display()}{account}）"


def _text(label: Any, *, rows: int = 4, required: bool = True, max_length: int = 5000) -> Any:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": _("请填写%(label)s") % {"label": label}},
    )


class ApplicationForm(BootstrapFormMixin, CommunityPickerMixin):
    """The application: online by a resident (any community, picked district by
    district), or at a desk by staff for a resident (among their own communities)."""

    community = CommunityField(
        label=_("纠纷发生地（所在社区）"),
        error_messages={
            "required": _("请选择所在社区"),
            "invalid_choice": _("请从列表中选择社区"),
        },
    )
    category = forms.ChoiceField(
        label=_("纠纷类别"),
        choices=[("", _("请选择")), *DisputeCategory.choices],
        error_messages={"required": _("请选择纠纷类别")},
    )
    facts = _text(_("纠纷经过"), rows=5)
    claims = _text(_("申请事项（希望怎样解决）"), rows=2, required=False, max_length=2000)
    amount = forms.DecimalField(
        label=_("涉及金额（元，可不填）"),
        required=False,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        error_messages={"invalid": _("请填写数字")},
    )
    applicant_name = forms.CharField(label=_("申请人姓名"), max_length=100)
    applicant_phone = OptionalPhoneField(label=_("申请人手机号"), required=True)
    applicant_address = forms.CharField(
        label=_("申请人住址（可不填）"), max_length=200, required=False
    )
    applicant_id_number = forms.CharField(
        label=_("申请人身份证号码（可不填）"), max_length=20, required=False
    )
    applicant_id_consent = forms.BooleanField(
        label=_("我同意提供身份证号码，仅供本案调解员在调解中使用"), required=False
    )
    respondent_name = forms.CharField(label=_("被申请人姓名或单位名称"), max_length=100)
    respondent_phone = OptionalPhoneField(label=_("被申请人手机号"), required=True)
    respondent_address = forms.CharField(
        label=_("被申请人住址（可不填）"), max_length=200, required=False
    )
    organization = OrganizationChoiceField(
        label=_("选择调解组织（可不选，由司法所分派）"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("不指定"),
    )
    lawyer = LawyerChoiceField(
        label=_("希望律师参与调解（可不选）"),
        queryset=Lawyer.objects.none(),
        required=False,
        empty_label=_("不指定"),
    )
    evidence = MultipleFileField(label=_("证据材料"))

    def __init__(
        self,
        *args: Any,
        communities: QuerySet[Community] | None = None,
        district_ids: set[int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if communities is None:
            chosen = self.pick_district()
            district_ids = {chosen} if chosen else set()
        else:
            del self.fields["district"]
            self.fields["community"].queryset = communities.select_related("street")  # type: ignore[attr-defined]
        district_ids = district_ids or set()
        self.fields["organization"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            district_id__in=district_ids, is_active=True
        ).by_level()
        self.fields["lawyer"].queryset = (  # type: ignore[attr-defined]
            Lawyer.objects.filter(
                mediation_roles__district_id__in=district_ids,
                mediation_roles__is_active=True,
                is_active=True,
            )
            .select_related("firm")
            .distinct()
            .order_by("name")
        )

    def application(self) -> Application:
        d = self.cleaned_data
        return Application(
            community=d["community"],
            category=d["category"],
            facts=d["facts"],
            claims=d.get("claims", ""),
            amount=d.get("amount"),
            organization=d.get("organization"),
            lawyer=d.get("lawyer"),
            evidence=d.get("evidence") or [],
            parties=[
                PartyDraft(
                    PartyRole.APPLICANT,
                    d["applicant_name"],
                    d["applicant_phone"],
                    id_number=d.get("applicant_id_number", ""),
                    id_consent=bool(d.get("applicant_id_consent")),
                    address=d.get("applicant_address", ""),
                ),
                PartyDraft(
                    PartyRole.RESPONDENT,
                    d["respondent_name"],
                    d["respondent_phone"],
                    address=d.get("respondent_address", ""),
                ),
            ],
        )


class FilingForm(ApplicationForm):
    """Assisted filing: staff say how the application came in."""

    channel = forms.ChoiceField(
        label=_("申请方式"),
        choices=[(Channel.DESK, Channel.DESK.label), (Channel.GRID, Channel.GRID.label)],
        initial=Channel.DESK,
    )

    field_order = ["channel"]


class FromQuestionForm(BootstrapFormMixin, forms.Form):
    category = forms.ChoiceField(label=_("纠纷类别"), choices=DisputeCategory.choices)
    respondent_name = forms.CharField(label=_("被申请人姓名或单位名称"), max_length=100)
    respondent_phone = OptionalPhoneField(label=_("被申请人手机号"), required=True)
    claims = _text(_("申请事项（希望怎样解决）"), rows=2, required=False, max_length=2000)


class AcceptForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label=_("受理说明（可不填）"), max_length=500, required=False)


class DeclineForm(BootstrapFormMixin, forms.Form):
    reason = _text(_("不予受理的理由"), rows=2, max_length=2000)


class AssignForm(BootstrapFormMixin, forms.Form):
    organization = OrganizationChoiceField(
        label=_("调解组织"), queryset=Organization.objects.none(), empty_label=_("请选择")
    )
    mediators = MediatorChoiceField(
        label=_("调解员"),
        queryset=Mediator.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一位调解员")},
    )
    lawyer = LawyerChoiceField(
        label=_("参与调解的律师（可不选）"),
        queryset=Lawyer.objects.none(),
        required=False,
        empty_label=_("不安排律师"),
    )

    def __init__(
        self,
        *args: Any,
        organizations: list[Organization],
        registered: list[MediationLawyer],
        chosen: Organization | None,
        mediators_url: str = "",
        **kwargs: Any,
    ) -> None:
        """``chosen``: the organization whose mediators are offered (the one posted, or
        the suggested one); choosing another reloads them (htmx, ``mediators_url``)."""
        super().__init__(*args, **kwargs)
        ids = [o.pk for o in organizations]
        field = self.fields["organization"]
        field.queryset = Organization.objects.filter(pk__in=ids)  # type: ignore[attr-defined]
        field.choices = [("", _("请选择"))] + [  # type: ignore[attr-defined]
            (o.pk, org_label(o)) for o in organizations
        ]
        if mediators_url:
            field.widget.attrs.update(
                {"hx-get": mediators_url, "hx-target": "#id_mediators", "hx-swap": "outerHTML"}
            )
        self.fields["mediators"].queryset = (  # type: ignore[attr-defined]
            Mediator.objects.filter(organization=chosen, is_active=True)
            .select_related("organization")
            .order_by("name")
            if chosen is not None
            else Mediator.objects.none()
        )
        self.fields["lawyer"].queryset = Lawyer.objects.filter(  # type: ignore[attr-defined]
            pk__in=[r.lawyer_id for r in registered]
        )
        self.fields["lawyer"].choices = [("", _("不安排律师"))] + [  # type: ignore[attr-defined]
            (
                r.lawyer_id,
                f"{r.lawyer.name}（{r.lawyer.firm.name}；{r.specialty_labels or '不限'}）",
            )
            for r in registered
        ]


class ScheduleForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("方式"), choices=SessionKind.choices)
    starts_at = forms.DateTimeField(
        label=_("时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"invalid": _("请填写正确的时间")},
    )
    place = forms.CharField(label=_("地点（现场调解必填）"), max_length=200, required=False)

    def clean_starts_at(self) -> Any:
        value = self.cleaned_data["starts_at"]
        return timezone.make_aware(value) if timezone.is_naive(value) else value


class RecordSessionForm(BootstrapFormMixin, forms.Form):
    session = forms.ModelChoiceField(
        label=_("场次"), queryset=Session.objects.none(), empty_label=_("请选择")
    )
    record = _text(_("调解记录"), rows=4)
    attendees = forms.ModelMultipleChoiceField(
        label=_("到场的当事人（现场调解）"),
        queryset=Party.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = case.sessions.filter(status="scheduled")  # type: ignore[attr-defined]
        self.fields["attendees"].queryset = case.parties.all()  # type: ignore[attr-defined]


class AgreementForm(BootstrapFormMixin, forms.Form):
    terms = _text(_("协议内容"), rows=5)
    performance = _text(_("履行方式、时限（可不填）"), rows=2, required=False, max_length=2000)


class SendCodeForm(BootstrapFormMixin, forms.Form):
    party = forms.ModelChoiceField(label=_("当事人"), queryset=Party.objects.none())

    def __init__(self, *args: Any, parties: QuerySet[Party], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["party"]
        field.queryset = parties  # type: ignore[attr-defined]
        only = list(parties[:2])
        if len(only) == 1:  # a party asks for their own code: nothing to choose
            field.initial = only[0].pk
            field.widget = forms.HiddenInput()


class ConfirmForm(BootstrapFormMixin, forms.Form):
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        error_messages={"required": _("请输入短信验证码"), "min_length": _("验证码为 6 位数字")},
    )


class FailForm(BootstrapFormMixin, forms.Form):
    reason = _text(_("未达成协议的原因"), rows=2, max_length=2000)
    guidance = forms.MultipleChoiceField(
        label=_("引导当事人的途径"),
        choices=Guidance.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请选择给当事人的引导途径")},
    )
    note = _text(_("引导说明（可不填）"), rows=2, required=False, max_length=2000)


class FollowUpForm(BootstrapFormMixin, forms.Form):
    note = _text(_("回访情况"), rows=2, max_length=2000)
    satisfied = forms.TypedChoiceField(
        label=_("当事人是否满意"),
        choices=[("", _("未表态")), ("yes", _("满意")), ("no", _("不满意"))],
        required=False,
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
    )


class MessageForm(BootstrapFormMixin, forms.Form):
    text = _text(_("留言"), rows=2, required=False, max_length=2000)
    attachments = MultipleFileField(label=_("文件"))


class StatsForm(BootstrapFormMixin, forms.Form):
    date_from = forms.DateField(
        label=_("申请日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("结束日期不能早于开始日期"))
        return data
