"""PostgreSQL only: pg_trgm, a text search configuration, and the indexes search reads through.

- GIN on `names_vector` and `search_vector`: full-text matches (`@@`).
- GIN with gin_trgm_ops on the words of names: the closest word to a typo (`%`).
- toast_tuple_target 1024 on the index table: the long body and full vector
  go out of line, so a scan of name matches reads a small heap (at 32,000
  entries: 25 MB instead of 36 MB; see docs/performance.md).

On SQLite there is nothing to do: its fallback matches with LIKE, and the
vector columns stay empty. These indexes are not in the model's Meta because
they cannot be created on SQLite; `makemigrations` therefore never sees them.
"""

from django.db import migrations

INDEXES = [
    "CREATE INDEX IF NOT EXISTS search_entry_names_vector "
    "ON search_searchentry USING gin (names_vector)",
    "CREATE INDEX IF NOT EXISTS search_entry_search_vector "
    "ON search_searchentry USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS search_word_trgm "
    "ON search_searchword USING gin (word gin_trgm_ops)",
]
DROP = [
    "DROP INDEX IF EXISTS search_word_trgm",
    "DROP INDEX IF EXISTS search_entry_search_vector",
    "DROP INDEX IF EXISTS search_entry_names_vector",
]


# Names are also indexed as written (lower case, unstemmed) so that a
# half-typed word matches as a prefix; English stop words stay out, or "fo"
# would match the "for" of every "X for Y" page.
AS_WRITTEN = [
    "CREATE TEXT SEARCH DICTIONARY search_as_written "
    "(TEMPLATE = pg_catalog.simple, STOPWORDS = english)",
    "CREATE TEXT SEARCH CONFIGURATION search_as_written (COPY = pg_catalog.simple)",
    "ALTER TEXT SEARCH CONFIGURATION search_as_written "
    "ALTER MAPPING FOR asciiword, word, numword, asciihword, hword, numhword, "
    "hword_asciipart, hword_part, hword_numpart WITH search_as_written",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for sql in AS_WRITTEN:
        schema_editor.execute(sql)
    for sql in INDEXES:
        schema_editor.execute(sql)
    schema_editor.execute(
        "ALTER TABLE search_searchentry SET (toast_tuple_target = 1024)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE search_searchentry RESET (toast_tuple_target)")
    for sql in DROP:
        schema_editor.execute(sql)
    schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS search_as_written")
    schema_editor.execute("DROP TEXT SEARCH DICTIONARY IF EXISTS search_as_written")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
