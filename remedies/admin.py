from django.contrib import admin
from django.db.models import Count

from .models import Category, Citation, EvidencePage, HowToStep, Product, Remedy, Study


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class ProductInline(admin.TabularInline):
    model = Product
    extra = 0


@admin.register(Remedy)
class RemedyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "category",
        "is_published",
        "safety_rating",
        "page_count",
        "updated_at",
    ]
    list_filter = ["category", "is_published", "safety_rating"]
    list_select_related = ["category"]
    search_fields = ["name", "synonyms"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ProductInline]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(page_count=Count("evidence_pages"))
        )

    @admin.display(description="evidence pages", ordering="page_count")
    def page_count(self, obj):
        return obj.page_count


class HowToStepInline(admin.StackedInline):
    model = HowToStep
    extra = 0


class CitationInline(admin.TabularInline):
    model = Citation
    extra = 0
    autocomplete_fields = ["study"]


@admin.register(EvidencePage)
class EvidencePageAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "grade",
        "is_published",
        "votes_up",
        "votes_down",
        "updated_at",
    ]
    list_filter = ["is_published", "grade", "ailment"]
    list_select_related = ["remedy", "ailment"]
    search_fields = ["remedy__name", "ailment__name"]
    autocomplete_fields = ["remedy", "ailment"]
    readonly_fields = ["votes_up", "votes_down", "updated_at"]
    inlines = [HowToStepInline, CitationInline]


@admin.register(Study)
class StudyAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "year", "kind"]
    list_filter = ["kind"]
    search_fields = ["title", "publisher", "key", "doi", "pmid"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "remedy", "disclosure"]
    list_select_related = ["remedy"]
    search_fields = ["name", "remedy__name"]
