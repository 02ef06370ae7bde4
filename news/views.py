"""Pages of the news app: the public lists by kind and the article page (anonymous
readers see published articles only), and for writers and the bureau: my articles,
the review queue, the editor, the preview with its workflow buttons."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.forms import run_service
from core.views import in_scope, public_rows, scoped_get_or_404
from news import services
from news.choices import ArticleKind, ArticleStatus
from news.forms import ArticleForm, CommentForm
from news.models import Article
from regions.models import District

PUBLIC_PAGE_SIZE = 10
STAFF_PAGE_SIZE = 20


def _page(request: HttpRequest, qs: QuerySet, size: int) -> Page:
    return Paginator(qs, size).get_page(request.GET.get("page"))


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


# --- public ------------------------------------------------------------------------


def article_list(request: HttpRequest) -> HttpResponse:
    """Published articles, by kind and district, pinned first, newest first."""
    kind = request.GET.get("kind", "")
    kind = kind if kind in ArticleKind.values else ""
    districts = list(public_rows(District).order_by("code"))
    district_id = _int(request.GET.get("district"))
    district = next((d for d in districts if d.pk == district_id), None)
    qs = public_rows(Article, "published").select_related("district")
    if kind:
        qs = qs.filter(kind=kind)
    if district is not None:
        qs = qs.filter(district=district)
    return render(
        request,
        "news/article_list.html",
        {
            "page_obj": _page(request, qs, PUBLIC_PAGE_SIZE),
            "kinds": ArticleKind.choices,
            "kind": kind,
            "kind_label": ArticleKind(kind).label if kind else _("宣传动态"),
            "districts": districts,
            "district": district,
            "can_write": services.can_write(request.user),
        },
    )


def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A published article for everyone; in scope, a preview of any other state with
    the buttons the user may press."""
    article = get_object_or_404(
        in_scope(Article, request.user).select_related(
            "district", "firm", "lawyer", "author", "reviewed_by"
        ),
        pk=pk,
    )
    if article.is_published:
        services.count_view(article)
        article.view_count += 1
    actions = services.actions_for(request.user, article)
    return render(
        request,
        "news/article_detail.html",
        {
            "article": article,
            "actions": actions,
            "comment_form": CommentForm(),
            "can_see_workflow": bool(actions) or article.author_id == request.user.pk,
        },
    )


def cover(request: HttpRequest, pk: int) -> FileResponse:
    """The cover, served only to those who may see the article."""
    article = scoped_get_or_404(Article, request.user, pk)
    if not article.cover:
        raise Http404
    content_type = mimetypes.guess_type(article.cover.name)[0] or "application/octet-stream"
    response = FileResponse(article.cover.open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=3600" if article.is_published else "private"
    return response


# --- writers and the bureau --------------------------------------------------------


def _status_tabs(qs: QuerySet, current: str) -> list[dict[str, Any]]:
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("pk")))
    return [
        {"value": value, "label": label, "count": counts.get(value, 0), "active": value == current}
        for value, label in ArticleStatus.choices
    ]


def _staff_list(
    request: HttpRequest, qs: QuerySet, template: str, default_status: str
) -> HttpResponse:
    status = request.GET.get("status", default_status)
    status = status if status in ArticleStatus.values or status == "all" else default_status
    kind = request.GET.get("kind", "")
    tabs = _status_tabs(qs, status)
    if status != "all":
        qs = qs.filter(status=status)
    if kind in ArticleKind.values:
        qs = qs.filter(kind=kind)
    page = _page(request, qs.select_related("district", "author"), STAFF_PAGE_SIZE)
    for article in page:
        article.actions = services.actions_for(request.user, article)
    return render(
        request,
        template,
        {
            "page_obj": page,
            "tabs": tabs,
            "status": status,
            "kind": kind,
            "kinds": ArticleKind.choices,
            "can_write": services.can_write(request.user),
        },
    )


@login_required
def my_articles(request: HttpRequest) -> HttpResponse:
    qs = in_scope(Article, request.user).filter(author=request.user)
    return _staff_list(request, qs.order_by("-updated_at", "-id"), "news/my_articles.html", "all")


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    if not services.can_review(request.user):
        raise Http404
    qs = in_scope(Article, request.user, "reviewable_by").order_by(
        F("submitted_at").desc(nulls_last=True), "-updated_at", "-id"
    )
    return _staff_list(request, qs, "news/review_queue.html", ArticleStatus.PENDING)


DONE = {
    "submit": gettext_lazy("稿件已提交区司法局审核"),
    "publish": gettext_lazy("稿件已发布"),
    "return": gettext_lazy("稿件已退回作者修改"),
    "withdraw": gettext_lazy("稿件已撤回"),
    "pin": gettext_lazy("置顶设置已保存"),
}


def _after_save(request: HttpRequest, article: Article) -> None:
    """The editor's second button: save and submit (writers) or publish (the bureau)."""
    then = request.POST.get("then")
    write: dict[str, Callable[..., Article]] = {
        "submit": services.submit_article,
        "publish": services.publish_article,
    }
    if then not in write:
        messages.success(request, _("稿件已保存"))
        return
    try:
        write[then](actor=request.user, article=article)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(
            request, _("稿件已保存，但未能%(a)s：%(e)s") % {"a": _label(then), "e": _text(exc)}
        )
    else:
        messages.success(request, DONE[then])


def _label(action: str) -> str:
    return {"submit": _("提交审核"), "publish": _("发布")}.get(action, action)


def _text(exc: Exception) -> str:
    return "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


@login_required
def article_new(request: HttpRequest) -> HttpResponse:
    if not services.can_write(request.user):
        raise Http404
    form = ArticleForm(request.POST or None, request.FILES or None, user=request.user)
    created: list[Article] = []
    if request.method == "POST" and form.is_valid():

        def write() -> None:
            created.append(
                services.create_article(
                    actor=request.user, district=form.chosen_district(), data=form.to_input()
                )
            )

        if run_service(form, write):
            _after_save(request, created[0])
            return redirect("news:detail", created[0].pk)
    return render(
        request,
        "news/article_form.html",
        {"form": form, "article": None, "can_publish": services.can_review(request.user)},
    )


@login_required
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    article = scoped_get_or_404(Article, request.user, pk, "editable_by")
    form = ArticleForm(
        request.POST or None, request.FILES or None, user=request.user, article=article
    )
    if request.method == "POST" and form.is_valid():

        def write() -> None:
            services.update_article(actor=request.user, article=article, data=form.to_input())

        if run_service(form, write):
            _after_save(request, article)
            return redirect("news:detail", article.pk)
    actions = services.actions_for(request.user, article)
    return render(
        request,
        "news/article_form.html",
        {
            "form": form,
            "article": article,
            "can_submit": "submit" in actions,
            "can_publish": "publish" in actions,
        },
    )


def _act(
    request: HttpRequest, pk: int, action: str, write: Callable[[Article], Any]
) -> HttpResponse:
    article = scoped_get_or_404(Article, request.user, pk)
    try:
        write(article)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, _text(exc))
    else:
        messages.success(request, DONE[action])
    return redirect("news:detail", article.pk)


def _comment(request: HttpRequest) -> str:
    form = CommentForm(request.POST)
    return form.cleaned_data["comment"] if form.is_valid() else request.POST.get("comment", "")


@login_required
@require_POST
def article_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, "submit", lambda a: services.submit_article(actor=request.user, article=a)
    )


@login_required
@require_POST
def article_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, "publish", lambda a: services.publish_article(actor=request.user, article=a)
    )


@login_required
@require_POST
def article_return(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _comment(request)
    return _act(
        request,
        pk,
        "return",
        lambda a: services.return_article(actor=request.user, article=a, comment=comment),
    )


@login_required
@require_POST
def article_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _comment(request)
    return _act(
        request,
        pk,
        "withdraw",
        lambda a: services.withdraw_article(actor=request.user, article=a, comment=comment),
    )


@login_required
@require_POST
def article_pin(request: HttpRequest, pk: int) -> HttpResponse:
    pinned = request.POST.get("pinned") == "1"
    return _act(
        request,
        pk,
        "pin",
        lambda a: services.set_pinned(actor=request.user, article=a, pinned=pinned),
    )


urlpatterns: list[URLPattern] = [
    path("", article_list, name="list"),
    path("<int:pk>/", article_detail, name="detail"),
    path("<int:pk>/cover/", cover, name="cover"),
    path("mine/", my_articles, name="mine"),
    path("review/", review_queue, name="review"),
    path("new/", article_new, name="new"),
    path("<int:pk>/edit/", article_edit, name="edit"),
    path("<int:pk>/submit/", article_submit, name="submit"),
    path("<int:pk>/publish/", article_publish, name="publish"),
    path("<int:pk>/return/", article_return, name="return"),
    path("<int:pk>/withdraw/", article_withdraw, name="withdraw"),
    path("<int:pk>/pin/", article_pin, name="pin"),
]
