import uuid

from django import forms

from .models import MAX_LENGTH, Flag


class CommentTextField(forms.CharField):
    """Plain text: line endings made "\\n" before the length is checked, as browsers count them."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n")


def text_field() -> CommentTextField:
    return CommentTextField(
        max_length=MAX_LENGTH,
        error_messages={
            "required": "Write something first.",
            "max_length": f"Please keep it to {MAX_LENGTH:,} characters or fewer "
            "(it has %(show_value)s). Your text is still here to shorten.",
        },
    )


class CommentForm(forms.Form):
    """A new comment or a reply. The token makes a double submit store one comment."""

    text = text_field()
    token = forms.UUIDField(
        widget=forms.HiddenInput, initial=uuid.uuid4, required=False
    )


class EditCommentForm(forms.Form):
    text = text_field()


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        choices=Flag.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a reason."},
    )
    note = forms.CharField(max_length=300, required=False)
