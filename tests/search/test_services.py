"""search.services: matching and ranking on both databases, and keeping the index fresh."""

import pytest
from django.db import connection
from django.test import TestCase

from ailments.models import Ailment
from remedies.models import EvidencePage, Remedy
from search.models import SearchEntry
from search.services import (
    index_ailment,
    index_page,
    index_remedy,
    rebuild_index,
    remove_from_index,
    search,
    suggest,
)
from tests.helpers import make_ailment, make_category, make_page, make_remedy

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="tests the SQLite fallback itself"
)


def titles(query: str) -> list[str]:
    return [entry.title for entry in search(query)]


class RankingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.sciatica = make_ailment(
            name="Sciatica",
            slug="sciatica",
            synonyms="sciatic nerve pain\nlow back pain down the leg",
            description="Pain that runs from the lower back down one leg.",
        )
        cls.headache = make_ailment(
            name="Tension headache",
            slug="headache",
            description="A dull band of pressure around the head.",
        )
        cls.willow = make_remedy(
            name="Willow bark",
            synonyms="salix",
            what_it_is="A bark used for headache and back pain since antiquity.",
        )
        cls.stretches = make_remedy(
            name="Physical Therapy Stretches",
            synonyms="physio exercises\nPT stretches",
            category=make_category(name="Exercise and movement"),
        )
        cls.page = make_page(
            cls.stretches,
            cls.sciatica,
            summary="Nerve glides and hamstring stretches.",
            why_it_works="Gentle movement calms the irritated nerve root.",
        )
        rebuild_index()

    def test_names_rank_before_body_text(self):
        # "headache" is the ailment's name and only a word in the remedy's text.
        self.assertEqual(titles("headache"), ["Tension headache", "Willow bark"])
        ranked = list(search("headache"))
        self.assertLess(ranked[0].tier, ranked[1].tier)

    def test_an_exact_name_comes_first(self):
        self.assertEqual(titles("sciatica")[0], "Sciatica")

    def test_synonyms_count_as_names(self):
        for query in ("sciatic nerve pain", "low back pain", "SCIATIC  nerve"):
            found = titles(query)
            self.assertEqual(found[0], "Sciatica", query)
            # The evidence page carries its ailment's synonyms too.
            self.assertIn("Physical Therapy Stretches for Sciatica", found, query)
        self.assertEqual(titles("physio")[0], "Physical Therapy Stretches")
        self.assertEqual(titles("salix"), ["Willow bark"])

    def test_the_last_word_matches_as_a_prefix_as_you_type(self):
        self.assertEqual(titles("sciat")[0], "Sciatica")
        self.assertEqual(titles("physical ther")[0], "Physical Therapy Stretches")

    def test_a_half_typed_word_finds_names_whose_stem_is_shorter(self):
        # English stemming stores "mindfulness" as "mind" and "gliding" as
        # "glide"; what is typed on the way must still match.
        make_remedy(name="Mindfulness meditation")
        make_remedy(name="Nerve gliding")
        rebuild_index()
        for typed in ("mindf", "mindfuln", "mindfulness med"):
            self.assertEqual(titles(typed)[:1], ["Mindfulness meditation"], typed)
        self.assertEqual(suggest("nerve glidin")[0].title, "Nerve gliding")
        # Stop words are not names: "fo" is not the "for" of every page title.
        self.assertEqual([e.title for e in search("fo") if e.tier < 3], [])

    def test_evidence_pages_are_found_by_their_text(self):
        self.assertEqual(
            titles("irritated nerve"), ["Physical Therapy Stretches for Sciatica"]
        )

    def test_every_word_must_match(self):
        self.assertEqual(titles("willow sciatica"), [])

    def test_drafts_are_never_found(self):
        draft = make_remedy(name="Sciatica draft remedy", is_published=False)
        hidden_ailment = make_ailment(name="Sciatica hidden", is_published=False)
        make_page(make_remedy(name="Live remedy"), hidden_ailment)
        make_page(draft, self.sciatica)
        rebuild_index()
        found = titles("sciatica")
        self.assertNotIn("Sciatica draft remedy", found)
        self.assertNotIn("Sciatica hidden", found)
        self.assertNotIn("Live remedy for Sciatica hidden", found)
        self.assertNotIn("Sciatica draft remedy for Sciatica", found)

    def test_queries_that_are_not_words_find_nothing_and_never_fail(self):
        for query in ("", "   ", "!!!", "':*&|!()", "<>", "a" * 500, "sciatica:*"):
            list(search(query))
            suggest(query)
        self.assertEqual(titles("!!!"), [])
        self.assertEqual(titles("sciatica:*")[0], "Sciatica")

    def test_suggestions_need_two_letters_and_are_few(self):
        self.assertEqual(suggest("s"), [])
        for i in range(12):
            make_remedy(name=f"Sage {i}")
        rebuild_index()
        self.assertEqual(len(suggest("sa")), 8)
        self.assertEqual(len(suggest("sa", limit=3)), 3)

    def test_kind_counts_and_the_top_of_each_kind(self):
        for i in range(7):
            make_page(make_remedy(name=f"Back remedy {i}"), self.sciatica)
        rebuild_index()
        results = search("sciatica")
        self.assertEqual(results.kind_counts(), {"ailment": 1, "page": 8})
        top = results.top_per_kind(5)
        self.assertEqual([e.kind for e in top].count("page"), 5)
        self.assertEqual(top[0].title, "Sciatica")

    # Typos: tests/search/test_typos.py, the same on both databases.

    @sqlite_only
    def test_sqlite_fallback_matches_the_start_of_words(self):
        self.assertEqual(titles("stretch")[0], "Physical Therapy Stretches")
        # Inside a word is not a match: "ache" is not a word of "headache"'s names.
        self.assertNotIn("Tension headache", titles("ache"))
        ranked = list(search("sciat"))
        self.assertEqual(ranked[0].title, "Sciatica")
        # A name (tier 1), its title starting with the query first.
        self.assertEqual((ranked[0].tier, ranked[0].name_rank), (1, 1.0))
        ranked = list(search("headache"))
        self.assertEqual([e.tier for e in ranked], [1, 3])  # a word of a name; text
        self.assertEqual([e.name_rank for e in ranked], [0.0, 0.0])


class IndexTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.ailment = make_ailment(name="Insomnia", slug="insomnia")
        cls.remedy = make_remedy(name="Chamomile", slug="chamomile")
        cls.page = make_page(cls.remedy, cls.ailment, summary="A calming tea.")
        rebuild_index()

    def entry(self, obj) -> SearchEntry:
        kind = {Remedy: "remedy", Ailment: "ailment", EvidencePage: "page"}[type(obj)]
        return SearchEntry.objects.get(kind=kind, object_id=obj.pk)

    def test_rebuild_indexes_every_kind_with_its_url(self):
        self.assertEqual(SearchEntry.objects.count(), 3)
        self.assertEqual(self.entry(self.page).title, "Chamomile for Insomnia")
        self.assertEqual(self.entry(self.page).url, "/remedies/chamomile/for/insomnia/")
        self.assertEqual(self.entry(self.remedy).url, "/remedies/chamomile/")
        self.assertEqual(self.entry(self.ailment).url, "/ailments/insomnia/")
        self.assertEqual(self.entry(self.page).summary, "A calming tea.")

    def test_the_studies_markers_are_not_indexed_as_words(self):
        self.page.why_it_works = "Apigenin calms[1]. Sleep comes sooner [1, 2]."
        self.page.save()
        index_page(self.page)
        body = self.entry(self.page).body
        self.assertIn("Apigenin calms. Sleep comes sooner.", body)
        self.assertNotIn("[", body)

    def test_rebuild_keeps_ids_and_drops_rows_of_deleted_objects(self):
        before = self.entry(self.remedy).pk
        other = make_remedy(name="Lavender")
        rebuild_index()
        other.delete()
        self.assertEqual(rebuild_index(), 3)
        self.assertEqual(self.entry(self.remedy).pk, before)
        self.assertFalse(SearchEntry.objects.filter(title="Lavender").exists())

    def test_index_remedy_renames_its_pages_too(self):
        Remedy.objects.filter(pk=self.remedy.pk).update(
            name="Chamomile tea", synonyms="manzanilla"
        )
        self.assertEqual(titles("manzanilla"), [])  # not yet indexed
        index_remedy(self.remedy)
        self.assertEqual(
            titles("manzanilla"), ["Chamomile tea", "Chamomile tea for Insomnia"]
        )

    def test_index_remedy_unpublishing_hides_its_pages(self):
        Remedy.objects.filter(pk=self.remedy.pk).update(is_published=False)
        index_remedy(self.remedy)
        self.assertEqual(titles("chamomile"), [])

    def test_index_ailment_renames_its_pages_too(self):
        Ailment.objects.filter(pk=self.ailment.pk).update(
            name="Sleeplessness", synonyms="cannot sleep"
        )
        index_ailment(self.ailment)
        self.assertEqual(
            titles("cannot sleep"), ["Sleeplessness", "Chamomile for Sleeplessness"]
        )

    def test_an_evidence_pages_grade_is_indexed(self):
        self.assertEqual(self.entry(self.page).grade, "B")
        self.assertEqual(self.entry(self.remedy).grade, "")
        EvidencePage.objects.filter(pk=self.page.pk).update(grade="A")
        index_page(self.page)
        self.assertEqual(self.entry(self.page).grade, "A")

    def test_index_page_picks_up_new_text(self):
        EvidencePage.objects.filter(pk=self.page.pk).update(
            why_it_works="Apigenin binds benzodiazepine receptors."
        )
        self.assertEqual(titles("apigenin"), [])
        index_page(self.page)
        self.assertEqual(titles("apigenin"), ["Chamomile for Insomnia"])

    def test_new_objects_are_added_by_the_per_object_functions(self):
        remedy = make_remedy(name="Valerian")
        page = make_page(remedy, self.ailment)
        index_remedy(remedy)
        self.assertEqual(titles("valerian"), ["Valerian", "Valerian for Insomnia"])
        page.delete()
        remove_from_index(page)
        self.assertEqual(titles("valerian"), ["Valerian"])

    def test_removing_a_remedy_removes_its_pages(self):
        self.remedy.delete()
        remove_from_index(self.remedy)
        self.assertEqual(
            list(SearchEntry.objects.values_list("title", flat=True)), ["Insomnia"]
        )
