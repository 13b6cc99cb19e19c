from datetime import date, timedelta

from django.template import Context, Template
from django.test import SimpleTestCase
from django.utils import timezone


def render(value) -> str:
    return Template("{% time_ago value 'Updated ' %}").render(Context({"value": value}))


class TimeAgoTests(SimpleTestCase):
    def test_recent_times_read_naturally_with_the_exact_time_on_hover(self):
        now = timezone.now()
        assert ">Updated just now</time>" in render(now)
        assert ">Updated 2\xa0minutes ago</time>" in render(
            now - timedelta(minutes=2, seconds=5)
        )
        assert ">Updated 3\xa0days ago</time>" in render(
            now - timedelta(days=3, hours=2)
        )
        html = render(now - timedelta(days=70))
        assert ">Updated 2\xa0months ago</time>" in html
        stamp = (now - timedelta(days=70)).replace(microsecond=0).isoformat()
        assert f'datetime="{stamp}"' in html
        assert 'title="' in html and ":" in html.split('title="')[1].split('"')[0]

    def test_dates_say_today_or_days_ago(self):
        today = timezone.localdate()
        assert ">Updated today</time>" in render(today)
        assert ">Updated 1\xa0week ago</time>" in render(today - timedelta(days=8))
        assert f'title="{(today - timedelta(days=8)).day}' in render(
            today - timedelta(days=8)
        )
        assert render(None) == ""

    def test_date_type_is_kept(self):
        assert 'datetime="2026-01-05"' in render(date(2026, 1, 5))
