"""SQLite only: an FTS5 trigram index of the words of names, for typo tolerance.

What pg_trgm's GIN index on `search_searchword` is on PostgreSQL (migration
0002), this is on SQLite:

- `search_word_trigrams`, an FTS5 table with the trigram tokenizer over each
  word padded as pg_trgm pads it ("  sciatica "), so the trigrams, and the
  similarity worked out from them, are pg_trgm's; its rowid is the word's id.
- `search_word_trigram_terms`, an fts5vocab table: one row per trigram and
  word, which search.services joins with the trigrams of a typed word.
- Triggers keep it in step with `search_searchword` on every insert, update
  and delete, whoever writes (the services, a flush between tests), as a
  database keeps its own indexes; `rebuild_index()` also rebuilds it whole.

The word list was only filled on PostgreSQL until now: it is filled here from
the index's names, so typos are found without a rebuild. On PostgreSQL there
is nothing to do. Django remakes a SQLite table (dropping its triggers) when a
migration alters its columns: a migration that alters SearchWord must create
the triggers again (tests/search/test_typos.py fails without them).
"""

from django.db import OperationalError, migrations

TABLES = [
    "CREATE VIRTUAL TABLE search_word_trigrams "
    "USING fts5(padded, tokenize = 'trigram', detail = 'none')",
    "CREATE VIRTUAL TABLE search_word_trigram_terms "
    "USING fts5vocab(search_word_trigrams, 'instance')",
]
# OR REPLACE, and a delete that may find nothing: a trigger never fails on an
# index that is out of step, whatever made it so.
_ADD = (
    "INSERT OR REPLACE INTO search_word_trigrams (rowid, padded) "
    "VALUES (new.id, '  ' || new.word || ' ');"
)
_REMOVE = "DELETE FROM search_word_trigrams WHERE rowid = old.id;"
TRIGGERS = [
    "CREATE TRIGGER search_word_trigrams_insert AFTER INSERT ON search_searchword "
    f"BEGIN {_ADD} END",
    "CREATE TRIGGER search_word_trigrams_delete AFTER DELETE ON search_searchword "
    f"BEGIN {_REMOVE} END",
    "CREATE TRIGGER search_word_trigrams_update AFTER UPDATE ON search_searchword "
    f"BEGIN {_REMOVE} {_ADD} END",
]
# As search.services._rebuild_trigrams() does.
REBUILD = [
    "DELETE FROM search_word_trigrams",
    "INSERT INTO search_word_trigrams (rowid, padded) "
    "SELECT id, '  ' || word || ' ' FROM search_searchword",
]
DROP = [
    "DROP TRIGGER IF EXISTS search_word_trigrams_update",
    "DROP TRIGGER IF EXISTS search_word_trigrams_delete",
    "DROP TRIGGER IF EXISTS search_word_trigrams_insert",
    "DROP TABLE IF EXISTS search_word_trigram_terms",
    "DROP TABLE IF EXISTS search_word_trigrams",
]
# As search.services indexes them: the words of names, four to fifty letters.
MIN_LENGTH, MAX_LENGTH = 4, 50


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    try:
        for sql in TABLES:
            schema_editor.execute(sql)
    except OperationalError as error:
        raise RuntimeError(
            "Search needs SQLite's FTS5 with the trigram tokenizer (SQLite 3.34 "
            "or newer, built with FTS5) for typo tolerance."
        ) from error
    for sql in TRIGGERS:
        schema_editor.execute(sql)
    fill_words(apps, schema_editor)


def fill_words(apps, schema_editor):
    """The words of the names already indexed (the triggers index each one)."""
    SearchEntry = apps.get_model("search", "SearchEntry")
    SearchWord = apps.get_model("search", "SearchWord")
    words = {
        word
        for names in SearchEntry.objects.values_list("names", flat=True).iterator()
        for word in names.split()
        if MIN_LENGTH <= len(word) <= MAX_LENGTH
    }
    SearchWord.objects.bulk_create(
        [SearchWord(word=word) for word in sorted(words)],
        ignore_conflicts=True,
        batch_size=500,
    )
    with schema_editor.connection.cursor() as cursor:
        for sql in REBUILD:
            cursor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for sql in DROP:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0004_searchentry_grade")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
