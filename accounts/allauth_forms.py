"""django-allauth's forms, with a maximum length on every text field.

allauth leaves passwords, codes and tokens unbounded; ACCOUNT_FORMS (settings)
names these subclasses instead. The limits are far above anything a person
types: a pasted novel is refused beside the field, not hashed.
"""

from __future__ import annotations

from allauth.account import forms as allauth
from allauth.account.adapter import get_adapter
from django import forms
from django.core.validators import MaxLengthValidator

PASSWORD_MAX_LENGTH = 1024
CODE_MAX_LENGTH = 64
TEXT_MAX_LENGTH = 254


def limit_lengths(form: forms.BaseForm) -> None:
    """Give each text field of `form` without a maximum length one."""
    for field in form.fields.values():
        if not isinstance(field, forms.CharField) or field.max_length is not None:
            continue
        if isinstance(field, allauth.PasswordField) or isinstance(
            field.widget, forms.PasswordInput
        ):
            limit = PASSWORD_MAX_LENGTH
        elif (
            isinstance(field.widget, forms.HiddenInput)
            or "code" in type(form).__name__.lower()
        ):
            limit = CODE_MAX_LENGTH
        else:
            limit = TEXT_MAX_LENGTH
        field.max_length = limit
        field.validators.append(MaxLengthValidator(limit))
        field.widget.attrs.update(field.widget_attrs(field.widget))


def check_password(member, password: str) -> None:
    """Raise a ValidationError, in the site's words, unless `password` is the member's.

    allauth's check, so failed attempts count against the same limit as
    failed sign-ins to the account.
    """
    try:
        correct = get_adapter().reauthenticate(member, password)
    except forms.ValidationError as error:
        raise forms.ValidationError(
            "Too many wrong passwords. Wait a few minutes, then try again.",
            code="too_many_attempts",
        ) from error
    if not correct:
        raise forms.ValidationError(
            "That is not your password. Try again, or reset your password if "
            "you have forgotten it.",
            code="incorrect_password",
        )


class LimitedLengths:
    # Labels in the site's words, by field name (allauth's are in title case).
    labels: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_lengths(self)
        for name, label in self.labels.items():
            if name in self.fields:
                self.fields[name].label = label
                # allauth repeats the label as a placeholder; the label is enough.
                self.fields[name].widget.attrs.pop("placeholder", None)


class LoginForm(LimitedLengths, allauth.LoginForm):
    labels = {"remember": "Keep me signed in on this device"}


class SignupForm(LimitedLengths, allauth.SignupForm):
    """Sign-up asks for the name others see beside the member's comments."""

    display_name = forms.CharField(
        label="Display name",
        max_length=50,
        help_text="Shown beside your comments. You can change it on your account page.",
        error_messages={"required": "Choose the name others will see."},
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    field_order = ["email", "display_name", "password1", "password2"]

    def clean_display_name(self) -> str:
        from .forms import _BIDI_CONTROLS, RESERVED_NAME_MESSAGE, is_reserved_name

        name = " ".join(
            _BIDI_CONTROLS.sub("", self.cleaned_data["display_name"]).split()
        )
        if not name:
            raise forms.ValidationError("Choose the name others will see.")
        if is_reserved_name(name):
            raise forms.ValidationError(RESERVED_NAME_MESSAGE, code="reserved")
        return name

    def custom_signup(self, request, user) -> None:
        super().custom_signup(request, user)
        user.display_name = self.cleaned_data["display_name"]
        user.save(update_fields=["display_name"])


class AddEmailForm(LimitedLengths, allauth.AddEmailForm):
    pass


class ChangePasswordForm(LimitedLengths, allauth.ChangePasswordForm):
    labels = {
        "oldpassword": "Current password",
        "password1": "New password",
        "password2": "New password (again)",
    }


class SetPasswordForm(LimitedLengths, allauth.SetPasswordForm):
    pass


class ResetPasswordForm(LimitedLengths, allauth.ResetPasswordForm):
    pass


class ResetPasswordKeyForm(LimitedLengths, allauth.ResetPasswordKeyForm):
    labels = {"password1": "New password", "password2": "New password (again)"}


class UserTokenForm(LimitedLengths, allauth.UserTokenForm):
    pass


class ReauthenticateForm(LimitedLengths, allauth.ReauthenticateForm):
    labels = {"password": "Your password"}

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        check_password(self.user, password)
        return password


class RequestLoginCodeForm(LimitedLengths, allauth.RequestLoginCodeForm):
    pass


class ConfirmLoginCodeForm(LimitedLengths, allauth.ConfirmLoginCodeForm):
    pass
