"""django-allauth's forms, with a maximum length on every text field.

allauth leaves passwords, codes and tokens unbounded; ACCOUNT_FORMS (settings)
names these subclasses instead. The limits are far above anything a person
types: a pasted novel is refused beside the field, not hashed.
"""

from __future__ import annotations

from allauth.account import forms as allauth
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


class LimitedLengths:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_lengths(self)


class LoginForm(LimitedLengths, allauth.LoginForm):
    pass


class SignupForm(LimitedLengths, allauth.SignupForm):
    pass


class AddEmailForm(LimitedLengths, allauth.AddEmailForm):
    pass


class ChangePasswordForm(LimitedLengths, allauth.ChangePasswordForm):
    pass


class SetPasswordForm(LimitedLengths, allauth.SetPasswordForm):
    pass


class ResetPasswordForm(LimitedLengths, allauth.ResetPasswordForm):
    pass


class ResetPasswordKeyForm(LimitedLengths, allauth.ResetPasswordKeyForm):
    pass


class UserTokenForm(LimitedLengths, allauth.UserTokenForm):
    pass


class ReauthenticateForm(LimitedLengths, allauth.ReauthenticateForm):
    pass


class RequestLoginCodeForm(LimitedLengths, allauth.RequestLoginCodeForm):
    pass


class ConfirmLoginCodeForm(LimitedLengths, allauth.ConfirmLoginCodeForm):
    pass
