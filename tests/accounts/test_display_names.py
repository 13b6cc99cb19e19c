"""Display names that read as the site itself, its placeholders or an editor are kept back."""

from __future__ import annotations

import html

from django.urls import reverse

from accounts.forms import RESERVED_NAME_MESSAGE, is_reserved_name
from tests.helpers import SiteTestCase

# What the site calls itself and shows in place of a name or a comment, and
# what an editor is called, in the spellings people try.
RESERVED = [
    "Remedies",
    "remedies",
    "REMEDIES",
    "R e m e d i e s",
    "R.E.M.E.D.I.E.S",
    "R3med1es",
    "Remedies team",
    "The Remedies Team",
    "HomeRemediesFan",
    "Ｒｅｍｅｄｉｅｓ",  # full-width letters
    "Rеmеdiеs",  # Cyrillic е
    "Editor",
    "editor",
    "Ed1tor",
    "3d1t0r",
    "E d i t o r",
    "Édítør",
    "𝐄𝐝𝐢𝐭𝐨𝐫",  # mathematical bold
    "Ed\u200bitor",  # a zero-width space inside
    "Edditorr",
    "Editor Sam",
    "Sam the editor",
    "Sam (Editor)",
    "Editors",
    "Admin",
    "admin_team",
    "Team-Admin",
    "Adm1n",
    "Adrnin",
    "Administrator",
    "Moderator",
    "M0derat0r",
    "Comment moderator",
    "Mod Sam",
    "Staff",
    "Support",
    "Remedy support",
    "Official",
    "Officia1",
    "Member",
    "member",
    "A deleted member",
    "a deleted member",
    "Deleted member",
    "[deleted]",
    "[ deleted ]",
    "Deleted",
    "[removed by an editor]",
    "Removed by an editor",
    "[hidden while editors review it]",
    "[anything in brackets]",
    "Anonymous",
]

ORDINARY = [
    "Sam the runner",
    "Alice",
    "Li Wei",
    "José",
    "Zoë",
    "李雷",
    "Badminton Bea",
    "Modern Mo",
    "Staffordshire Sue",
    "Teamwork Tina",
    "Supportive Sue",
    "Remy",
    "Remedy fan",
    "Ed",
    "Eddie",
    "Admiral Ackbar",
    "Dr Sam",
    "Members' friend",
    "🙂",
]


class ReservedNameTests(SiteTestCase):
    url = reverse("accounts:profile")

    def test_every_spelling_is_refused_beside_the_field_and_kept_as_typed(self):
        self.client.force_login(self.member)
        for name in RESERVED:
            with self.subTest(name=name):
                r = self.client.post(self.url, {"display_name": name})
                self.assertEqual(r.status_code, 200)
                self.assertContains(r, 'id="display-name-error"')
                self.assertContains(r, html.escape(RESERVED_NAME_MESSAGE))
                self.assertContains(r, 'aria-invalid="true"')
                self.assertContains(r, f'value="{html.escape(name)}"')
                self.member.refresh_from_db()
                self.assertEqual(self.member.display_name, "Alice")

    def test_ordinary_names_are_saved(self):
        self.client.force_login(self.member)
        for name in ORDINARY:
            with self.subTest(name=name):
                r = self.client.post(self.url, {"display_name": name})
                self.assertEqual(r.status_code, 302)
                self.member.refresh_from_db()
                self.assertEqual(self.member.display_name, name)
        # Blank is fine too: the site shows "Member".
        self.client.post(self.url, {"display_name": ""})
        self.member.refresh_from_db()
        self.assertEqual(self.member.display_name, "")

    def test_editors_keep_their_own_names_and_may_say_they_edit(self):
        self.client.force_login(self.editor)
        for name in ("Erin", "Erin, editor", "Erin (Admin)"):
            with self.subTest(name=name):
                r = self.client.post(self.url, {"display_name": name})
                self.assertEqual(r.status_code, 302)
                self.editor.refresh_from_db()
                self.assertEqual(self.editor.display_name, name)
        # But not the site's own name, nor its placeholders.
        for name in ("Remedies", "R e m e d i e s", "A deleted member", "[deleted]"):
            with self.subTest(name=name):
                r = self.client.post(self.url, {"display_name": name})
                self.assertEqual(r.status_code, 200)
                self.assertContains(r, 'id="display-name-error"')

    def test_direction_overrides_are_taken_out_before_the_check(self):
        self.client.force_login(self.member)
        # Shown right to left, "\u202erotidE" reads "Editor".
        r = self.client.post(self.url, {"display_name": "Sam \u202erotide"})
        self.assertEqual(r.status_code, 302)
        self.member.refresh_from_db()
        self.assertEqual(self.member.display_name, "Sam rotide")
        r = self.client.post(self.url, {"display_name": "Ed\u202eitor"})
        self.assertEqual(r.status_code, 200)

    def test_the_rule_itself(self):
        for name in RESERVED:
            self.assertTrue(is_reserved_name(name), name)
        for name in ORDINARY:
            self.assertFalse(is_reserved_name(name), name)
