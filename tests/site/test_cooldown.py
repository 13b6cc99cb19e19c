"""A wait between two posts runs from the first post, not from the clock's windows."""

from __future__ import annotations

import time
from unittest import mock

from django.core.cache import cache
from django.test import SimpleTestCase, TestCase

from core import ratelimit
from core.ratelimit import allow, cooldown, local_counter


class CooldownTests(TestCase):
    def setUp(self):
        cache.clear()
        local_counter.clear()

    def test_two_attempts_either_side_of_a_windows_end_are_one_too_many(self):
        # allow()'s fixed windows let both through; cooldown() does not.
        boundary = (int(time.time()) // 5 + 1) * 5  # the next window starts here
        with mock.patch("time.time", return_value=boundary - 0.01):
            self.assertTrue(allow("fixed", limit=1, window=5))
            self.assertTrue(cooldown("member-1", seconds=5))
        with mock.patch("time.time", return_value=boundary + 0.01):
            self.assertTrue(allow("fixed", limit=1, window=5))
            self.assertFalse(cooldown("member-1", seconds=5))

    def test_the_wait_is_per_key_and_ends(self):
        self.assertTrue(cooldown("member-1", seconds=5))
        self.assertFalse(cooldown("member-1", seconds=5))
        self.assertTrue(cooldown("member-2", seconds=5))
        cache.delete("cooldown:member-1")  # what expiry does after 5 seconds
        self.assertTrue(cooldown("member-1", seconds=5))


class BrokenCache:
    def add(self, *args, **kwargs):
        raise ConnectionError("Redis is down")


class CooldownWithoutTheSharedCacheTests(SimpleTestCase):
    def setUp(self):
        local_counter.clear()

    def test_each_process_still_makes_members_wait(self):
        with mock.patch.object(ratelimit, "cache", BrokenCache()):
            self.assertTrue(cooldown("member-1", seconds=5))
            self.assertFalse(cooldown("member-1", seconds=5))
            self.assertTrue(cooldown("member-2", seconds=5))
