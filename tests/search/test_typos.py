"""Typo tolerance, the same on SQLite and on PostgreSQL.

This module runs on whichever database the suite runs on (CI runs the suite
on both) and asserts the same results: a typed word of four letters or more
that starts no word of any name is also searched as the most similar name
word, by pg_trgm's trigram similarity (pg_trgm on PostgreSQL, an FTS5 trigram
index of the name words on SQLite). The few tests marked for one database
check that database's own machinery.
"""

from importlib import import_module
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import TestCase

from remedies.models import Remedy
from search.models import SearchEntry, SearchWord
from search.services import (
    _similarity,
    _trigrams,
    index_remedy,
    rebuild_index,
    remove_from_index,
    search,
    suggest,
)
from tests.helpers import make_ailment, make_page, make_remedy

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="compares with pg_trgm itself"
)
sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the FTS5 trigram index is SQLite's"
)

# What is typed, and the title found first, on either database.
TYPOS = [
    ("siatica", "Sciatica"),  # a letter dropped
    ("sciatcia", "Sciatica"),  # two swapped
    ("tumeric", "Turmeric"),  # the common misspelling
    ("turmerc", "Turmeric"),
    ("headahce", "Tension headache"),
    ("tension headahce", "Tension headache"),  # one word known, one not
    ("wilow bark", "Willow bark"),
    ("willow barc", "Willow bark"),  # the last word, as it is being typed
    ("insomnai", "Insomnia"),
    ("curcumine", "Turmeric"),  # a synonym, one letter too many
]


def titles(query: str) -> list[str]:
    return [entry.title for entry in search(query)]


class TypoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.sciatica = make_ailment(
            name="Sciatica", slug="sciatica", synonyms="sciatic nerve pain"
        )
        make_ailment(name="Tension headache", slug="headache")
        make_ailment(name="Common cold", slug="cold", synonyms="head cold")
        cls.insomnia = make_ailment(name="Insomnia", slug="insomnia")
        cls.turmeric = make_remedy(
            name="Turmeric",
            slug="turmeric",
            synonyms="curcumin",
            what_it_is="A yellow root; its curcumin calms inflammation.",
        )
        make_remedy(name="Willow bark", slug="willow", synonyms="salix")
        cls.stretches = make_remedy(
            name="Physical Therapy Stretches",
            slug="stretches",
            what_it_is="Gentle movement, often advised for sciatica.",
        )
        cls.page = make_page(cls.stretches, cls.sciatica)
        make_page(cls.turmeric, cls.insomnia)
        rebuild_index()

    def test_each_typo_finds_what_was_meant_first(self):
        for typed, meant in TYPOS:
            with self.subTest(typed=typed):
                self.assertEqual(titles(typed)[:1], [meant])
                self.assertEqual([e.title for e in suggest(typed)][:1], [meant])

    def test_the_same_results_in_the_same_order(self):
        # Names found through the correction (tier 2), then the text (tier 3).
        ranked = [(e.title, e.tier) for e in search("siatica")]
        self.assertEqual(
            ranked,
            [
                ("Sciatica", 2),
                ("Physical Therapy Stretches for Sciatica", 2),
                ("Physical Therapy Stretches", 3),  # "sciatica" in its text
            ],
        )
        self.assertEqual(
            [e.title for e in suggest("siatica")], [title for title, _ in ranked]
        )
        self.assertEqual(
            [(e.title, e.tier) for e in search("tumeric")],
            [("Turmeric", 2), ("Turmeric for Insomnia", 2)],
        )

    def test_a_corrected_typo_ranks_after_names_typed_right(self):
        make_remedy(name="Siatica balm")  # a name that really is "siatica"
        rebuild_index()
        # "siatica" is now a known word: nothing is corrected.
        self.assertEqual(titles("siatica"), ["Siatica balm"])
        ranked = [(e.title, e.tier) for e in search("sciatica")]
        self.assertEqual(ranked[0], ("Sciatica", 0))

    def test_the_closest_word_of_about_the_same_length(self):
        # "head" (of "head cold") shares as many trigrams with "headahce" as
        # "headache" does, but is four letters shorter.
        self.assertNotIn("Common cold", titles("headahce"))
        self.assertEqual(titles("comon cold"), ["Common cold"])

    def test_a_half_typed_word_is_matched_as_typed_not_corrected(self):
        for typed, meant in (("sciat", "Sciatica"), ("turm", "Turmeric")):
            found = list(search(typed))
            self.assertEqual(found[0].title, meant)
            self.assertEqual(found[0].tier, 1)

    def test_short_words_and_far_misses_find_nothing(self):
        for query in ("slx", "zzzz", "xylophone", "qwertyuiop", "sciaticaaaaa"):
            with self.subTest(query=query):
                self.assertEqual(titles(query), [])
                self.assertEqual(suggest(query), [])

    def test_every_word_must_still_match(self):
        self.assertEqual(titles("siatica willow"), [])
        self.assertEqual(titles("tumeric insomnai"), ["Turmeric for Insomnia"])

    def test_a_typo_costs_one_query_on_either_database(self):
        # The closest known words, then the suggestions.
        with self.assertNumQueries(2):
            suggest("siatica")
        with self.assertNumQueries(2):
            list(search("tension headahce"))
        with self.assertNumQueries(1):  # no word long enough to correct
            suggest("wil")

    def test_a_new_name_is_corrected_to_once_indexed(self):
        remedy = make_remedy(name="Ashwagandha", slug="ashwagandha")
        self.assertEqual(titles("ashwaganda"), [])
        index_remedy(remedy)
        self.assertEqual(titles("ashwaganda"), ["Ashwagandha"])

    def test_a_renamed_or_removed_name_is_forgotten(self):
        Remedy.objects.filter(pk=self.turmeric.pk).update(
            name="Golden root", synonyms=""
        )
        index_remedy(self.turmeric)
        self.assertEqual(titles("tumeric"), [])
        self.assertFalse(SearchWord.objects.filter(word="turmeric").exists())
        self.assertEqual(titles("goldn root")[:1], ["Golden root"])
        # A removal forgets only the words no other entry has.
        self.page.delete()
        remove_from_index(self.page)
        self.assertTrue(SearchWord.objects.filter(word="sciatica").exists())
        self.assertEqual(titles("siatica"), ["Sciatica", "Physical Therapy Stretches"])
        willow = Remedy.objects.get(slug="willow")
        willow.delete()
        remove_from_index(willow)
        self.assertFalse(SearchWord.objects.filter(word__in=["willow", "salix"]))
        self.assertEqual(titles("wilow"), [])

    def test_the_word_list_holds_every_name_word_after_a_rebuild(self):
        SearchWord.objects.create(word="leftover")
        rebuild_index()
        expected = {
            word
            for names in SearchEntry.objects.values_list("names", flat=True)
            for word in names.split()
            if len(word) >= 4
        }
        self.assertEqual(
            set(SearchWord.objects.values_list("word", flat=True)), expected
        )


class TrigramSimilarityTests(TestCase):
    def test_pg_trgm_trigrams_and_similarity(self):
        self.assertEqual(
            _trigrams("cat"), {"  c", " ca", "cat", "at "}
        )  # pg_trgm's show_trgm('cat')
        self.assertAlmostEqual(
            _similarity(_trigrams("siatica"), _trigrams("sciatica")), 6 / 11
        )

    @postgres_only
    def test_the_same_as_pg_trgm_computes(self):
        pairs = [
            ("siatica", "sciatica"),
            ("headahce", "headache"),
            ("headahce", "head"),
            ("tumeric", "turmeric"),
            ("banana", "bananas"),
            ("wilow", "willow"),
            ("mindfulness", "mindful"),
        ]
        with connection.cursor() as cursor:
            for a, b in pairs:
                cursor.execute("SELECT similarity(%s, %s)", [a, b])
                (expected,) = cursor.fetchone()
                with self.subTest(pair=(a, b)):
                    self.assertAlmostEqual(
                        _similarity(_trigrams(a), _trigrams(b)), expected, places=6
                    )


@sqlite_only
class SqliteTrigramIndexTests(TestCase):
    """The FTS5 index of the words (migration 0005) follows the word table."""

    def indexed(self) -> set[tuple[str, int]]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT term, doc FROM search_word_trigram_terms")
            return set(cursor.fetchall())

    def expected(self) -> set[tuple[str, int]]:
        return {
            (gram, pk)
            for pk, word in SearchWord.objects.values_list("pk", "word")
            for gram in _trigrams(word)
        }

    def test_inserts_updates_and_deletes_reach_it(self):
        first = SearchWord.objects.create(word="sciatica")
        SearchWord.objects.bulk_create(
            [SearchWord(word="turmeric"), SearchWord(word="sciatica")],
            ignore_conflicts=True,
        )
        self.assertEqual(self.indexed(), self.expected())
        SearchWord.objects.filter(pk=first.pk).update(word="headache")
        self.assertEqual(self.indexed(), self.expected())
        self.assertNotIn(("cia", first.pk), self.indexed())
        SearchWord.objects.filter(word="turmeric").delete()
        self.assertEqual(self.indexed(), self.expected())
        SearchWord.objects.all().delete()
        self.assertEqual(self.indexed(), set())

    def test_rebuild_index_repairs_it(self):
        make_ailment(name="Sciatica")
        rebuild_index()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_word_trigrams")
        self.assertEqual(titles("siatica"), [])
        rebuild_index()
        self.assertEqual(self.indexed(), self.expected())
        self.assertEqual(titles("siatica"), ["Sciatica"])

    def test_the_migration_fills_the_words_of_an_index_built_before_it(self):
        migration = import_module("search.migrations.0005_sqlite_word_trigrams")
        make_ailment(name="Sciatica", synonyms="sciatic nerve pain")
        rebuild_index()
        SearchWord.objects.all().delete()  # as SQLite databases had it
        self.assertEqual(titles("siatica"), [])
        migration.fill_words(
            import_module("django.apps").apps, SimpleNamespace(connection=connection)
        )
        self.assertEqual(
            set(SearchWord.objects.values_list("word", flat=True)),
            {"sciatica", "sciatic", "nerve", "pain"},
        )
        self.assertEqual(self.indexed(), self.expected())
        self.assertEqual(titles("siatica"), ["Sciatica"])
