from django.urls import reverse

from tests.helpers import SiteTestCase, make_page, session_queries
from votes.models import Vote
from votes.services import cast_vote


class ProfileTests(SiteTestCase):
    url = reverse("accounts:profile")

    def test_visitor_is_sent_to_sign_in(self):
        r = self.client.get(self.url)
        self.assertRedirects(
            r, "/accounts/login/?next=/account/", fetch_redirect_response=False
        )

    def test_member_sees_only_their_own_votes_with_a_withdraw_button(self):
        mine = make_page()
        theirs = make_page()
        cast_vote(member=self.member, page=mine, value=Vote.Value.DOWN)
        cast_vote(member=self.other_member, page=theirs, value=Vote.Value.UP)
        self.client.force_login(self.member)
        r = self.client.get(self.url)
        self.assertContains(r, mine.remedy.name)
        self.assertContains(r, "It didn’t help")
        self.assertNotContains(r, theirs.remedy.name)
        self.assertContains(
            r, reverse("votes:vote", args=[mine.remedy.slug, mine.ailment.slug])
        )
        self.assertContains(r, 'name="next" value="/account/"')

    def test_member_with_no_votes_sees_an_empty_state(self):
        self.client.force_login(self.member)
        self.assertContains(self.client.get(self.url), "You haven’t voted yet.")

    def test_member_sets_a_display_name_and_bad_input_keeps_what_they_typed(self):
        self.client.force_login(self.member)
        r = self.client.post(self.url, {"display_name": "  Sam   the  runner "})
        self.assertRedirects(r, self.url, fetch_redirect_response=False)
        self.member.refresh_from_db()
        self.assertEqual(self.member.display_name, "Sam the runner")
        too_long = "x" * 60
        r = self.client.post(self.url, {"display_name": too_long})
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Ensure this value has at most 50 characters")
        self.assertContains(r, f'value="{too_long}"')
        self.assertContains(r, 'aria-invalid="true"')

    def test_query_count_is_fixed_whatever_the_number_of_votes(self):
        self.client.force_login(self.member)
        cast_vote(member=self.member, page=make_page(), value=Vote.Value.UP)
        # The session, 1 user, 2 the header's unread notices, 3 votes with
        # pages, remedies and ailments, 4 notices, email choice, follows and
        # watches, 5 suggestions.
        with self.assertNumQueries(session_queries() + 5):
            self.client.get(self.url)
        for _ in range(10):
            cast_vote(member=self.member, page=make_page(), value=Vote.Value.UP)
        with self.assertNumQueries(session_queries() + 5):
            self.client.get(self.url)
