"""What the security tests share: a small site with one of everything, the people
who visit it, and every URL pattern of the project with a real address for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.admin.sites import site as admin_site
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from simple_history.admin import SimpleHistoryAdmin

from community import tasks as community_tasks
from community.emails import unsubscribe_token
from community.models import Activity, Notice, Suggestion
from search.models import HiddenTrendingTerm, SearchEntry
from search.services import rebuild_index
from tests.helpers import (
    SiteTestCase,
    make_ailment,
    make_comment,
    make_member,
    make_page,
    make_product,
    make_remedy,
    make_study,
)

PERSONAS = ("visitor", "unverified", "member", "other", "editor", "superuser")


def _normal(route: str) -> str:
    """The admin's app index lists app labels in the order admins were registered: sort them."""
    import re

    return re.sub(
        r"\(\?P<app_label>([a-z_|]+)\)",
        lambda m: "(?P<app_label>" + "|".join(sorted(m[1].split("|"))) + ")",
        route,
    )


def url_patterns(patterns=None, prefix="", namespace=""):
    """(route, name) for every URL pattern the project answers, however deep."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            ns = namespace + (f"{p.namespace}:" if p.namespace else "")
            yield from url_patterns(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield _normal(prefix + str(p.pattern)), namespace + (p.name or "")


def routes() -> list[str]:
    return [route for route, _ in url_patterns()]


class SecurityTestCase(SiteTestCase):
    """One of everything: published and draft content, comments, a vote, a search index."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        month_ago = timezone.now() - timedelta(days=30)
        cls.superuser = make_member(
            display_name="Root", is_staff=True, is_superuser=True
        )
        people = [cls.member, cls.other_member, cls.unverified, cls.editor]
        get_user_model().objects.filter(
            pk__in=[p.pk for p in [*people, cls.superuser]]
        ).update(date_joined=month_ago)
        cls.remedy = make_remedy(name="Heat Therapy", slug="heat")
        cls.ailment = make_ailment(name="Low back pain", slug="back")
        cls.study = make_study()
        cls.page = make_page(cls.remedy, cls.ailment, steps=1, studies=[cls.study])
        cls.product = make_product(cls.remedy)
        cls.draft = make_remedy(name="Draft remedy", slug="draft", is_published=False)
        cls.comment = make_comment(cls.page, author=cls.member, text="Mine")
        cls.remedy_comment = make_comment(cls.remedy, author=cls.member, text="Also")
        cls.others_comment = make_comment(
            cls.page, author=cls.other_member, text="Bob's"
        )
        from discussions.services import flag_comment

        flag_comment(
            comment=cls.others_comment, member=cls.member, reason="spam", note=""
        )
        from votes.models import Vote
        from votes.services import cast_vote

        cast_vote(member=cls.member, page=cls.page, value=Vote.Value.UP)
        cls.vote = Vote.objects.get(member=cls.member, page=cls.page)
        rebuild_index()
        cls.entry = SearchEntry.objects.filter(kind=SearchEntry.Kind.PAGE).first()
        cls.hidden_term = HiddenTrendingTerm.objects.create(term="buy pills")
        # The community: a notice for "member", a suggestion, a queued task.
        cls.notice = Notice.objects.create(
            member=cls.member,
            activity=Activity.objects.get(comment=cls.others_comment),
            reason=Notice.Reason.WATCHING,
            key=f"a:security:{cls.member.pk}",
        )
        cls.suggestion = Suggestion.objects.create(
            member=cls.member, kind="remedy", remedy_name="Yoga", details="It helps."
        )
        cls.task = DBTaskResult.objects.get(id=community_tasks.tick.enqueue().id)

    def setUp(self):
        super().setUp()
        for person in (self.member, self.other_member, self.unverified, self.editor):
            person.refresh_from_db()

    # People

    def person(self, persona: str):
        return {
            "visitor": None,
            "unverified": self.unverified,
            "member": self.member,
            "other": self.other_member,
            "editor": self.editor,
            "superuser": self.superuser,
        }[persona]

    def client_for(self, persona: str, **kwargs):
        client = self.client_class(**kwargs)
        if (user := self.person(persona)) is not None:
            client.force_login(user)
        return client

    # Addresses

    def url_for(self, route: str) -> str:
        """A real address for a route: its parameters filled with things that exist."""
        return "/" + fill(route, self)


@dataclass(frozen=True)
class AdminModel:
    label: str  # app_label.model_name
    route_prefix: str  # admin/app_label/model_name/
    has_history: bool  # django-simple-history's pages too


def admin_models() -> list[AdminModel]:
    return [
        AdminModel(
            model._meta.label_lower,
            f"admin/{model._meta.app_label}/{model._meta.model_name}/",
            isinstance(model_admin, SimpleHistoryAdmin),
        )
        for model, model_admin in admin_site._registry.items()
    ]


def instance_of(label: str, case: SecurityTestCase):
    """The object of a registered model that the admin URLs of the tests point at."""
    from django.apps import apps
    from django.contrib.auth.models import Group

    model = apps.get_model(label)
    known = {
        "accounts.user": case.other_member,
        "auth.group": Group.objects.first(),
        "ailments.ailment": case.ailment,
        "remedies.category": case.remedy.category,
        "remedies.remedy": case.remedy,
        "remedies.evidencepage": case.page,
        "remedies.study": case.study,
        "remedies.product": case.product,
        "votes.vote": case.vote,
        "discussions.comment": case.comment,
        "discussions.flaggedcomment": case.others_comment,
        "search.searchentry": case.entry,
        "search.hiddentrendingterm": case.hidden_term,
        "community.suggestion": case.suggestion,
        "django_tasks_database.dbtaskresult": case.task,
    }
    return known.get(label) or model._default_manager.order_by("pk").first()


def fill(route: str, case: SecurityTestCase) -> str:
    """The route with each parameter replaced by a value that exists in the test data."""
    import re

    # Admin URLs of one object: its id; simple_history's: the id and a version.
    for admin_model in admin_models():
        prefix = admin_model.route_prefix
        if route.startswith(prefix):
            obj = instance_of(admin_model.label, case)
            rest = route[len(prefix) :]
            if rest.startswith("^([^/]+)/history/([^/]+)/$"):
                version = obj.history.order_by("history_id").first()
                return f"{prefix}{obj.pk}/history/{version.history_id}/"
            if rest.startswith("<id>/"):
                rest = rest.replace("<id>", str(obj.pk))
            return prefix + rest.replace("<path:object_id>", str(obj.pk))
    if route.startswith("ailments/"):
        route = route.replace("<slug:slug>", case.ailment.slug)
    values = {
        "<slug:slug>/for/<slug:ailment_slug>/": f"{case.remedy.slug}/for/{case.ailment.slug}/",
        "<slug:slug>": case.remedy.slug,
        "<int:comment_id>": str(case.comment.pk),
        "<int:pk>": str(case.entry.pk),
        "<section>": "remedies",
        "<path:content_type_id>/<path:object_id>/": (
            f"{ContentType.objects.get_for_model(case.remedy).pk}/{case.remedy.pk}/"
        ),
        "^(?P<app_label>account|accounts|ailments|auth|community|discussions|django_tasks_database|remedies|search|votes)/$": "remedies/",
        "<int:notice_id>": str(case.notice.pk),
        "<int:member_id>/<str:token>": (
            f"{case.member.pk}/{unsubscribe_token(case.member.pk)}"
        ),
        "(?P<url>.*)$": "no-such-admin-page/",
        "^confirm-email/(?P<key>[-:\\w]+)/$": "confirm-email/not-a-real-key/",
        "^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": (
            "password/reset/key/1-not-a-real-key/"
        ),
    }
    for param, value in values.items():
        route = route.replace(param, value)
    if "ailment_slug" in route:
        route = route.replace("<slug:ailment_slug>", case.ailment.slug)
    assert not re.search(r"[<(^$]", route), f"no value for a parameter in {route}"
    return route
