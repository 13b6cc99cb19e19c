"""Redis down: pages still serve, writes still save, rate limits still limit."""

from unittest import mock

import redis
from django.core.cache.backends.redis import RedisCache
from django.test import SimpleTestCase, override_settings
from django.urls import reverse

from core import cache as failsafe
from core.cache import CacheUnavailable, FailSafeRedisCache
from core.ratelimit import allow, local_counter
from discussions.models import Comment
from tests.helpers import (
    PASSWORD,
    SiteTestCase,
    make_ailment,
    make_page,
    make_remedy,
    within_one_rate_window,
)
from votes.models import Vote

# Nothing listens here: every connection is refused, as when Redis is stopped.
CLOSED = "redis://127.0.0.1:6399/0"
BACKEND = "core.cache.FailSafeRedisCache"
REDIS_DOWN = {
    "default": {"BACKEND": BACKEND, "LOCATION": CLOSED},
    "pages": {"BACKEND": BACKEND, "LOCATION": CLOSED, "KEY_PREFIX": "pages"},
}


def closed_cache(**options) -> FailSafeRedisCache:
    return FailSafeRedisCache(CLOSED, {"OPTIONS": options})


class FailSafeCacheTests(SimpleTestCase):
    def test_reads_are_misses(self):
        cache = closed_cache()
        self.assertEqual(cache.get("k", "default"), "default")
        self.assertIsNone(cache.get("k"))
        self.assertEqual(cache.get_many(["a", "b"]), {})
        self.assertFalse(cache.has_key("k"))
        self.assertEqual(cache.get_or_set("k", "computed"), "computed")

    def test_writes_do_nothing_and_do_not_raise(self):
        cache = closed_cache()
        self.assertIsNone(cache.set("k", "v"))
        self.assertFalse(cache.add("k", "v"))
        self.assertFalse(cache.delete("k"))
        self.assertFalse(cache.touch("k"))
        self.assertEqual(cache.set_many({"a": 1, "b": 2}), ["a", "b"])
        self.assertIsNone(cache.delete_many(["a", "b"]))
        self.assertFalse(cache.clear())
        with self.assertRaises(ValueError):  # as for a key that is not there
            cache.incr("k")

    def test_strict_calls_say_the_cache_is_unavailable(self):
        cache = closed_cache()
        with self.assertRaises(CacheUnavailable):
            cache.strict.add("k", 1)
        with self.assertRaises(CacheUnavailable):  # also while Redis is not tried
            cache.strict.get("k")

    def test_short_socket_timeouts_and_one_retry_by_default(self):
        options = closed_cache()._options
        self.assertEqual(options["socket_connect_timeout"], 0.5)
        self.assertEqual(options["socket_timeout"], 0.5)
        self.assertEqual(options["retry"].get_retries(), 1)
        self.assertNotIn("RETRY_INTERVAL", options)  # ours, not redis-py's

    def test_redis_is_not_tried_again_until_the_retry_interval_has_passed(self):
        cache = closed_cache(RETRY_INTERVAL=60)
        with mock.patch.object(
            redis.connection.Connection,
            "connect",
            side_effect=redis.ConnectionError("refused"),
        ) as connect:
            for _ in range(20):
                cache.get("k")
                cache.set("k", "v")
        self.assertLessEqual(connect.call_count, 2)  # one command, retried once
        self.assertFalse(cache.available)

    def test_it_uses_redis_again_by_itself_once_it_answers(self):
        cache = closed_cache(RETRY_INTERVAL=0)
        with mock.patch.object(
            RedisCache, "get", side_effect=[redis.ConnectionError("down"), "back"]
        ):
            self.assertEqual(cache.get("k", "miss"), "miss")
            self.assertEqual(cache.get("k", "miss"), "back")

    def test_an_outage_is_logged_once_per_interval_not_per_request(self):
        cache = closed_cache(RETRY_INTERVAL=0)
        failsafe.throttled._last.clear()
        with self.assertLogs("core.cache", "WARNING") as logs:
            for _ in range(10):
                cache.get("k")
        self.assertEqual(len(logs.records), 1)
        self.assertIn("Cache unavailable", logs.output[0])

    def test_other_cache_aliases_keep_their_own_options(self):
        params = {"LOCATION": CLOSED, "OPTIONS": {"RETRY_INTERVAL": 9}}
        FailSafeRedisCache(CLOSED, params)
        self.assertEqual(params["OPTIONS"], {"RETRY_INTERVAL": 9})  # not mutated


@override_settings(CACHES=REDIS_DOWN, VOTE_RATE_LIMIT=3)
class SiteWithoutRedisTests(SiteTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.pages = [
            make_page(make_remedy(), make_ailment(), up=3, down=1) for _ in range(4)
        ]
        cls.urls = [p.get_absolute_url() for p in cls.pages]

    def setUp(self):
        super().setUp()
        local_counter.clear()
        self.addCleanup(local_counter.clear)

    def vote_url(self, page):
        return reverse("votes:vote", args=[page.remedy.slug, page.ailment.slug])

    def test_pages_still_render(self):
        for url in [reverse("home"), *self.urls]:
            self.assertEqual(self.client.get(url).status_code, 200, url)
        self.client.force_login(self.member)
        r = self.client.get(self.urls[0])
        self.assertContains(r, 'name="vote"')

    def test_a_vote_still_saves(self):
        self.client.force_login(self.member)
        r = self.client.post(self.vote_url(self.pages[0]), {"vote": "up"}, follow=True)
        self.assertContains(r, "your vote is counted")
        vote = Vote.objects.get(member=self.member)
        self.assertEqual((vote.page, vote.value), (self.pages[0], Vote.Value.UP))
        self.pages[0].refresh_from_db()
        self.assertEqual(self.pages[0].votes_up, 4)

    @within_one_rate_window()
    def test_the_vote_rate_limit_still_limits(self):
        self.client.force_login(self.member)
        for page in self.pages[:3]:
            self.client.post(self.vote_url(page), {"vote": "up"})
        r = self.client.post(self.vote_url(self.pages[3]), {"vote": "up"}, follow=True)
        self.assertContains(r, "You’re voting very quickly")
        self.assertEqual(Vote.objects.filter(member=self.member).count(), 3)

    def test_the_comment_interval_still_holds(self):
        self.client.force_login(self.member)
        url = reverse(
            "discussions:post_comment",
            args=[self.pages[0].remedy.slug, self.pages[0].ailment.slug],
        )
        self.client.post(url, {"text": "First."})
        r = self.client.post(url, {"text": "Second, too soon."})
        self.assertContains(r, "You can post once every")
        self.assertContains(r, "Second, too soon.")  # the typed text is kept
        self.assertEqual(Comment.objects.filter(author=self.member).count(), 1)

    def test_a_write_that_cannot_be_counted_is_refused_with_a_clear_message(self):
        self.client.force_login(self.member)
        with mock.patch.object(local_counter, "max_keys", 0):
            r = self.client.post(self.vote_url(self.pages[0]), {"vote": "up"})
        self.assertEqual(r.status_code, 503)
        self.assertIn("no-store", r["Cache-Control"])
        self.assertContains(r, "can’t take votes or comments", status_code=503)
        self.assertFalse(Vote.objects.exists())

    def test_sign_in_limits_fail_safe_with_a_clear_page(self):
        # allauth counts sign-in attempts in the cache, under a lock it cannot
        # take while Redis is down: attempts are refused, kindly, until it is back.
        r = self.client.post(
            reverse("account_login"),
            {"login": self.member.email, "password": PASSWORD},
        )
        self.assertContains(r, "Please wait a moment", status_code=429)
        self.assertContains(r, "can’t count attempts just now", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_readyz_says_the_cache_is_down(self):
        r = self.client.get("/readyz")
        self.assertEqual(r.status_code, 503)
        self.assertIn(b"cache", r.content)


class LocalCountingTests(SimpleTestCase):
    def setUp(self):
        local_counter.clear()
        self.addCleanup(local_counter.clear)

    @override_settings(CACHES=REDIS_DOWN)
    @within_one_rate_window()
    def test_allow_counts_in_this_process_when_the_shared_cache_is_down(self):
        results = [allow("test:key", limit=2, window=60) for _ in range(4)]
        self.assertEqual(results, [True, True, False, False])
        self.assertTrue(allow("test:other", limit=2, window=60))
