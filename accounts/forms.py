from django import forms

from .models import User


class DisplayNameForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name"]
        labels = {"display_name": "Display name"}

    def clean_display_name(self):
        return " ".join(self.cleaned_data["display_name"].split())


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand that my account and my votes will be deleted for good.",
        error_messages={"required": "Tick the box to confirm."},
    )
    remove_comments = forms.BooleanField(
        required=False,
        label="Also remove the text of my comments (replies to them stay).",
    )
