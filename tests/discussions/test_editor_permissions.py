"""What the Editors group may do with discussions (accounts/editors.py)."""

from django.contrib.auth.models import Group

from accounts.editors import sync_editors_group

from .base import DiscussionTestCase

MODERATION = {"view_comment", "moderate_comment", "view_flaggedcomment", "view_flag"}


def discussions_codenames(group: Group) -> set[str]:
    return set(
        group.permissions.filter(content_type__app_label="discussions").values_list(
            "codename", flat=True
        )
    )


class EditorPermissionsTests(DiscussionTestCase):
    def test_editors_may_moderate_and_look_but_not_erase(self):
        group = Group.objects.get(name="Editors")
        self.assertEqual(discussions_codenames(group), MODERATION)
        self.assertTrue(self.editor.has_perm("discussions.moderate_comment"))
        self.assertFalse(self.editor.has_perm("discussions.delete_comment"))
        self.assertFalse(self.member.has_perm("discussions.moderate_comment"))

    def test_syncing_creates_the_group_when_missing_and_repairs_it(self):
        Group.objects.filter(name="Editors").delete()
        group = sync_editors_group()
        self.assertEqual(discussions_codenames(group), MODERATION)
        group.permissions.add(
            group.permissions.model.objects.get(codename="delete_user")
        )
        sync_editors_group()
        self.assertFalse(group.permissions.filter(codename="delete_user").exists())
        self.assertEqual(discussions_codenames(group), MODERATION)
