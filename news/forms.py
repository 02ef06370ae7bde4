"""Forms of the news pages: the editor and the review comment."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin
from firms.models import LawFirm, Lawyer
from news.choices import ArticleKind
from news.models import Article
from news.services import MAX_BODY_CHARS, MAX_COMMENT_CHARS, ArticleInput, writable_districts
from regions.models import District


class LawyerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.firm.name}）"


class ArticleForm(BootstrapFormMixin, forms.Form):
    """The editor. The district is asked only of writers who work in several."""

    district = forms.ModelChoiceField(label=_("区"), queryset=District.objects.none())
    kind = forms.ChoiceField(label=_("栏目"), choices=ArticleKind.choices)
    title = forms.CharField(label=_("标题"), max_length=100)
    summary = forms.CharField(
        label=_("摘要"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("列表中显示，200 字以内；不填则取正文开头"),
    )
    body = forms.CharField(
        label=_("正文"),
        max_length=MAX_BODY_CHARS,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("纯文本，段落之间空一行；不支持 HTML"),
    )
    cover = forms.FileField(
        label=_("封面图片"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png"}),
        help_text=_("可选，JPG 或 PNG，不超过 5 MB"),
    )
    remove_cover = forms.BooleanField(label=_("删除现有封面"), required=False)
    firm = forms.ModelChoiceField(
        label=_("相关律所"),
        queryset=LawFirm.objects.none(),
        required=False,
        empty_label=_("不关联"),
        help_text=_("仅典型案例、先进典型可选"),
    )
    lawyer = LawyerChoiceField(
        label=_("相关律师"),
        queryset=Lawyer.objects.none(),
        required=False,
        empty_label=_("不关联"),
        help_text=_("仅典型案例、先进典型可选"),
    )

    def __init__(self, *args: Any, user: Any, article: Article | None = None, **kwargs: Any):
        if article is not None:
            kwargs.setdefault(
                "initial",
                {
                    "district": article.district_id,
                    "kind": article.kind,
                    "title": article.title,
                    "summary": article.summary,
                    "body": article.body,
                    "firm": article.firm_id,
                    "lawyer": article.lawyer_id,
                },
            )
        super().__init__(*args, **kwargs)
        self.article = article
        if article is not None:
            district_ids = [article.district_id]
            del self.fields["district"]
        else:
            districts = writable_districts(user).order_by("code")
            district_ids = list(districts.values_list("pk", flat=True))
            if len(district_ids) == 1:
                del self.fields["district"]
            else:
                self.fields["district"].queryset = districts  # type: ignore[attr-defined]
        if article is None or not article.cover:
            del self.fields["remove_cover"]
        self.district_ids = district_ids
        firms = LawFirm.objects.visible_to(user).filter(district_id__in=district_ids)
        self.fields["firm"].queryset = firms.filter(is_active=True).order_by("name")  # type: ignore[attr-defined]
        self.fields["lawyer"].queryset = (  # type: ignore[attr-defined]
            Lawyer.objects.visible_to(user)
            .filter(firm__district_id__in=district_ids, is_active=True)
            .select_related("firm")
            .order_by("name")
        )

    def chosen_district(self) -> District:
        if "district" in self.fields:
            return self.cleaned_data["district"]
        return District.objects.get(pk=self.district_ids[0])

    def to_input(self) -> ArticleInput:
        data = self.cleaned_data
        return ArticleInput(
            kind=data["kind"],
            title=data["title"],
            summary=data.get("summary", ""),
            body=data["body"],
            firm=data.get("firm"),
            lawyer=data.get("lawyer"),
            cover=data.get("cover"),
            remove_cover=bool(data.get("remove_cover")),
        )


class CommentForm(BootstrapFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("意见"),
        max_length=MAX_COMMENT_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
