"""schema.org JSON-LD for content pages, built from the same objects the page shows."""

from __future__ import annotations

from django.urls import reverse

from . import site

SCHEMA = "https://schema.org"


def absolute(request, path: str) -> str:
    return site.absolute(path)


def breadcrumbs(request, trail: list[tuple[str, str]]) -> dict:
    """BreadcrumbList from (name, path) pairs, home first."""
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": i,
                "name": name,
                "item": absolute(request, path),
            }
            for i, (name, path) in enumerate(trail, start=1)
        ],
    }


def condition(request, ailment) -> dict:
    data = {
        "@type": "MedicalCondition",
        "name": ailment.name,
        "url": absolute(request, ailment.get_absolute_url()),
    }
    if ailment.synonym_list:
        data["alternateName"] = ailment.synonym_list
    return data


def therapy(request, remedy) -> dict:
    data = {
        "@type": "MedicalTherapy",
        "name": remedy.name,
        "url": absolute(request, remedy.get_absolute_url()),
        "description": remedy.what_it_is.split("\n\n")[0],
    }
    if remedy.synonym_list:
        data["alternateName"] = remedy.synonym_list
    return data


def medical_web_page(request, *, name: str, description: str, trail, **extra) -> dict:
    return {
        "@context": SCHEMA,
        "@type": "MedicalWebPage",
        "name": name,
        "description": description,
        "url": absolute(request, request.path),
        "inLanguage": "en-GB",
        "breadcrumb": breadcrumbs(request, trail),
        **extra,
    }


def evidence_page_data(request, page) -> dict:
    remedy, ailment = page.remedy, page.ailment
    extra = {
        "about": condition(request, ailment),
        "mainEntity": therapy(request, remedy),
        "dateModified": page.updated_at.isoformat(),
    }
    if page.reviewed_on:
        extra["lastReviewed"] = page.reviewed_on.isoformat()
        extra["reviewedBy"] = {
            "@type": "Organization",
            "name": "Remedies editorial team",
            "description": page.reviewed_by or "Remedies editors",
        }
    return medical_web_page(
        request,
        name=f"{remedy.name} for {ailment.name}",
        description=page.summary,
        trail=[
            ("Home", reverse("home")),
            (ailment.name, ailment.get_absolute_url()),
            (remedy.name, remedy.get_absolute_url()),
            (f"For {ailment.name}", page.get_absolute_url()),
        ],
        **extra,
    )


def remedy_page_data(request, remedy, pages) -> dict:
    return medical_web_page(
        request,
        name=remedy.name,
        description=remedy.what_it_is.split("\n\n")[0],
        trail=[
            ("Home", reverse("home")),
            ("Remedies", reverse("remedies:remedy_list")),
            (remedy.name, remedy.get_absolute_url()),
        ],
        mainEntity=therapy(request, remedy),
        about=[condition(request, p.ailment) for p in pages],
        dateModified=remedy.updated_at.isoformat(),
    )


def ailment_page_data(request, ailment, pages) -> dict:
    about = condition(request, ailment)
    about["possibleTreatment"] = [therapy(request, p.remedy) for p in pages]
    return medical_web_page(
        request,
        name=f"Remedies for {ailment.name}",
        description=ailment.description.split("\n\n")[0],
        trail=[
            ("Home", reverse("home")),
            ("Ailments", reverse("ailments:ailment_list")),
            (ailment.name, ailment.get_absolute_url()),
        ],
        about=about,
        dateModified=ailment.updated_at.isoformat(),
    )
