from __future__ import annotations

import re
import unicodedata

from django import forms

from .allauth_forms import PASSWORD_MAX_LENGTH, check_password
from .models import User

# Display names: what other members read beside a comment. A name that reads
# as the site itself, as one of its placeholders or as an editor would let a
# member pass their words off as the site's, so those are kept back. Names
# are compared by their "skeleton": case, accents, spaces, punctuation and
# the usual lookalikes (digits for letters, Cyrillic and Greek letters that
# look Latin, "rn" for "m", doubled letters) all taken out.

_LOOKALIKES = str.maketrans(
    {
        # Digits and signs used for letters.
        "0": "o",
        "1": "i",
        "!": "i",
        "|": "i",
        "l": "i",
        "3": "e",
        "€": "e",
        "4": "a",
        "@": "a",
        "5": "s",
        "$": "s",
        "7": "t",
        "+": "t",
        "8": "b",
        "9": "g",
        # Cyrillic letters that look Latin.
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "і": "i",
        "ї": "i",
        "ј": "j",
        "ѕ": "s",
        "ԁ": "d",
        "ԛ": "q",
        "ԝ": "w",
        # Greek letters that look Latin.
        "α": "a",
        "β": "b",
        "ε": "e",
        "η": "n",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "ς": "s",
        "σ": "o",
        # Latin letters NFKD does not take apart, small capitals and other
        # lookalikes NFKC leaves alone.
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ł": "i",
        "ħ": "h",
        "ŧ": "t",
        "ı": "i",
        "ʟ": "i",
        "ɪ": "i",
        "ᴀ": "a",
        "ᴅ": "d",
        "ᴇ": "e",
        "ᴍ": "m",
        "ɴ": "n",
        "ᴏ": "o",
        "ʀ": "r",
        "ꜱ": "s",
        "ᴛ": "t",
    }
)


def skeleton(text: str) -> str:
    """`text` reduced to what it looks like: "R e m 3 d i e s" and "Ed1tor" read
    as "remedies" and "editor" do."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.category(c).startswith("M"))
    text = text.translate(_LOOKALIKES)
    text = re.sub(r"[^a-z]", "", text)
    text = text.replace("rn", "m").replace("vv", "w")
    return re.sub(r"(.)\1+", r"\1", text)


# Names the site itself shows: its name, what it calls a member without a
# name or who has left, and the placeholders of comments.
SITE_NAMES = {
    skeleton(name)
    for name in (
        "Remedies",
        "Member",
        "A member",
        "A deleted member",
        "Deleted member",
        "Deleted",
        "Removed",
        "Removed by an editor",
        "Hidden",
        "Hidden while editors review it",
        "Anonymous",
        "Visitor",
        "Guest",
        "Nobody",
        "Unknown",
        "System",
        "Team",
        "Staff",
        "Support",
        "Root",
        "Webmaster",
        "Postmaster",
        "Official",
    )
}
# The site's name, anywhere in a name ("TheRemediesTeam").
SITE_WORDS = {skeleton("Remedies")}
# Words that make a name read as an editor's: anywhere in it.
STAFF_PARTS = {skeleton(w) for w in ("Moderator", "Administrator")}
# Words that do so at the start or end of a name or as a word of their own
# ("Editor Sam", "admin_team", "Sam the Admin"), but not inside another word
# ("Badminton Bea").
STAFF_WORDS = {
    skeleton(w) for w in ("Editor", "Editors", "Admin", "Admins", "Moderation", "Sysop")
}
# Short or common words that do so only as a word of their own ("Mod Sam",
# "Remedy support", but "Modern Mo" and "Staffordshire Sue" are names).
STAFF_TOKENS = {
    skeleton(w) for w in ("Mod", "Mods", "Staff", "Official", "Support", "Team")
}
_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def is_reserved_name(name: str, *, editor: bool = False) -> bool:
    """Whether `name` reads as the site itself, one of its placeholders or, unless
    it is an `editor`'s, as an editor."""
    whole = skeleton(name)
    if not whole:
        return False
    if name.strip().startswith("[") and name.strip().endswith("]"):
        return True  # how the site marks its placeholders: "[deleted]"
    if whole in SITE_NAMES or any(word in whole for word in SITE_WORDS):
        return True
    if editor:
        return False  # "Erin, editor" is who they are
    words = {skeleton(w) for w in re.split(r"[\W_]+", name)} - {""}
    if words & (STAFF_WORDS | STAFF_TOKENS) or any(p in whole for p in STAFF_PARTS):
        return True
    return any(whole.startswith(w) or whole.endswith(w) for w in STAFF_WORDS)


RESERVED_NAME_MESSAGE = (
    "That name reads as the site’s own or an editor’s (like “Remedies”, "
    "“Editor” or “A deleted member”), so others could take your words for "
    "ours. Choose another name."
)


class DisplayNameForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name"]
        labels = {"display_name": "Display name"}

    def clean_display_name(self):
        # Direction overrides could make a name display as another one.
        name = _BIDI_CONTROLS.sub("", self.cleaned_data["display_name"])
        name = " ".join(name.split())
        if name and is_reserved_name(name, editor=self.instance.is_staff):
            raise forms.ValidationError(RESERVED_NAME_MESSAGE, code="reserved")
        return name


class DeleteAccountForm(forms.Form):
    """Confirm with the member's password: a session left open is not enough."""

    password = forms.CharField(
        label="Your password",
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Type your password to confirm it’s you."},
    )
    confirm = forms.BooleanField(
        label="I understand that my account and my votes will be deleted for good.",
        error_messages={"required": "Tick the box to confirm."},
    )
    remove_comments = forms.BooleanField(
        required=False,
        label="Also remove the text of my comments (replies to them stay).",
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        try:
            check_password(self.user, password)
        except forms.ValidationError as error:
            raise forms.ValidationError(
                f"{error.messages[0]} Nothing was deleted.", code=error.code
            ) from error
        return password
