"""The community's forms: email choice and suggestions. Every field has a
maximum length, and every error is said beside its field."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Q

from ailments.models import Ailment
from remedies.models import Remedy, validate_doi, validate_pmid

from .models import Preference, Suggestion

DETAILS_MAX = 3000
SOURCE_MAX = 500
SOURCE_HELP = (
    "A web address (https://…), a DOI (like 10.7326/M16-2367) or a PubMed ID "
    "(digits, like 28192789)."
)


class EmailChoiceForm(forms.Form):
    email = forms.ChoiceField(
        label="Email me about replies, discussions I watch and what I follow",
        choices=Preference.Email.choices,
        widget=forms.RadioSelect,
    )


def clean_source(value: str) -> str:
    """A URL, a DOI or a PMID, tidied; anything else is refused with an example of each."""
    value = value.strip()
    if not value:
        return ""
    if re.match(r"(?i)^https?://", value):
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            raise ValidationError(
                "That web address is not complete. " + SOURCE_HELP
            ) from None
        return value
    doi = re.sub(r"(?i)^doi:\s*", "", value)
    if doi.startswith("10."):
        validate_doi(doi)
        return f"doi:{doi}"
    pmid = re.sub(r"(?i)^pmid:?\s*", "", value)
    if pmid.isdigit():
        validate_pmid(pmid)
        return f"PMID {pmid}"
    raise ValidationError("We could not read that as a source. " + SOURCE_HELP)


class SuggestionForm(forms.Form):
    details = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=DETAILS_MAX,
        error_messages={"required": "Please tell the editors a little more."},
    )
    source = forms.CharField(
        label="Source",
        max_length=SOURCE_MAX,
        required=False,
        help_text=SOURCE_HELP,
    )

    def clean_details(self) -> str:
        text = self.cleaned_data["details"].strip()
        if len(text) < 15:
            raise ValidationError(
                "Please say a little more (at least 15 characters), so editors can act on it."
            )
        return text

    def clean_source(self) -> str:
        return clean_source(self.cleaned_data.get("source", ""))

    def suggestion_fields(self) -> dict:
        return {
            "details": self.cleaned_data["details"],
            "source": self.cleaned_data["source"],
        }


class RemedySuggestionForm(SuggestionForm):
    kind = Suggestion.Kind.REMEDY
    name = forms.CharField(
        label="Name of the remedy",
        max_length=120,
        error_messages={"required": "Give the remedy’s name."},
    )
    field_order = ["name", "details", "source"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["details"].label = "What it is, and what it helps with"
        self.fields["source"].label = "Source (optional)"

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if Remedy.objects.published().filter(name__iexact=name).exists():
            raise ValidationError(
                f"{name} is already on the site: suggest it for an ailment, or a correction to its page."
            )
        return name

    def suggestion_fields(self) -> dict:
        return {"remedy_name": self.cleaned_data["name"], **super().suggestion_fields()}


def _find(queryset, text: str):
    """A published remedy or ailment by its name, a synonym or its slug."""
    text = " ".join(text.split())
    found = queryset.filter(Q(name__iexact=text) | Q(slug__iexact=text[:120])).first()
    if found is None:
        for candidate in queryset.filter(synonyms__icontains=text)[:20]:
            if text.lower() in (s.lower() for s in candidate.synonym_list):
                return candidate
    return found


class PairSuggestionForm(SuggestionForm):
    kind = Suggestion.Kind.PAIR
    remedy = forms.CharField(
        label="Remedy",
        max_length=120,
        help_text="A remedy on the site, by name.",
        error_messages={"required": "Name the remedy."},
    )
    ailment = forms.CharField(
        label="Ailment",
        max_length=120,
        help_text="An ailment on the site, by name.",
        error_messages={"required": "Name the ailment."},
    )
    field_order = ["remedy", "ailment", "details", "source"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["details"].label = "Why it helps with this ailment"
        self.fields["source"].label = "Source (optional)"

    def clean_remedy(self) -> Remedy:
        found = _find(Remedy.objects.published(), self.cleaned_data["remedy"])
        if found is None:
            raise ValidationError(
                "No remedy by that name is on the site yet: suggest it as a new remedy instead."
            )
        return found

    def clean_ailment(self) -> Ailment:
        found = _find(Ailment.objects.published(), self.cleaned_data["ailment"])
        if found is None:
            raise ValidationError(
                "No ailment by that name is on the site. Check the list of ailments."
            )
        return found

    def clean(self):
        data = super().clean()
        remedy, ailment = data.get("remedy"), data.get("ailment")
        if (
            remedy
            and ailment
            and remedy.evidence_pages.filter(
                ailment=ailment, is_published=True
            ).exists()
        ):
            self.add_error(
                "remedy",
                f"{remedy.name} for {ailment.name} already has its page: suggest a correction there.",
            )
        return data

    def suggestion_fields(self) -> dict:
        return {
            "remedy": self.cleaned_data["remedy"],
            "remedy_name": self.cleaned_data["remedy"].name,
            "ailment": self.cleaned_data["ailment"],
            **super().suggestion_fields(),
        }


class CorrectionForm(SuggestionForm):
    kind = Suggestion.Kind.CORRECTION

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["details"].label = "What is wrong, and what it should say"
        self.fields["source"].required = True
        self.fields["source"].error_messages["required"] = (
            "Give a source for the correction. " + SOURCE_HELP
        )
