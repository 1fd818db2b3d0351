"""PostgreSQL: the vectors move from ``search_document`` to ``search_story``, beside the facts
the filters read, so that a query is one table: its GIN index finds the matches, and the
story's status, time, channel and section are in the same small row (the documents' rows,
with their text, were twelve times the pages to visit). ``vector`` is the whole story
(weights A to D), ``head`` the headline, excerpt and names only (A to C), small enough to
sit in the row, for ranking the newest of many matches without reading their whole vectors.
Both are computed by two SQL functions from the document's text, with unaccent; the index
writes them with the document (engines/postgres.py). Nothing changes on SQLite."""

from importlib import import_module

from django.db import migrations

# The documents' vector as 0001 made it, to put back.
INITIAL = import_module("masthead.search.migrations.0001_initial")

PUNCTUATION = r"[!-/:-@\[-`{-~\u00a1-\u00bf\u2010-\u205e]+"


def _weighted(text, weight):
    return (
        f"setweight(to_tsvector('pg_catalog.english'::regconfig, masthead_search_text({text})), "
        f"'{weight}')"
    )


HEAD = " || ".join(
    _weighted(t, w)
    for t, w in [("headline", "A"), ("excerpt", "B"), ("byline", "C"), ("source", "C"), ("place", "C")]
)
ARGUMENTS = "headline text, excerpt text, byline text, source text, place text"

POSTGRES = [
    f"""CREATE FUNCTION masthead_search_head({ARGUMENTS}) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT {HEAD} $$""",
    f"""CREATE FUNCTION masthead_search_vector({ARGUMENTS}, body text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT masthead_search_head(headline, excerpt, byline, source, place)
            || {_weighted("body", "D")}
    $$""",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS vector",
    "ALTER TABLE search_story ADD COLUMN vector tsvector NOT NULL DEFAULT '', "
    "ADD COLUMN head tsvector NOT NULL DEFAULT ''",
    # Room on each page for a status change to stay on it (a HOT update): otherwise each
    # one would add the story's every word to the GIN index again.
    "ALTER TABLE search_story SET (fillfactor = 70)",
    """UPDATE search_story f SET
        vector = masthead_search_vector(d.headline, d.excerpt, d.byline, d.source, d.place, d.body),
        head = masthead_search_head(d.headline, d.excerpt, d.byline, d.source, d.place)
    FROM search_document d WHERE d.story_id = f.story_id""",
    "CREATE INDEX search_story_vector ON search_story USING gin (vector)",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS search_story_vector",
    "ALTER TABLE search_story DROP COLUMN IF EXISTS vector, DROP COLUMN IF EXISTS head",
    "ALTER TABLE search_story RESET (fillfactor)",
    "DROP FUNCTION IF EXISTS masthead_search_vector(text, text, text, text, text, text)",
    "DROP FUNCTION IF EXISTS masthead_search_head(text, text, text, text, text)",
    # The documents' own vector and its index, as 0001 made them: a generated column, so
    # PostgreSQL computes it again for every document as it is added (no reindex needed).
    f"ALTER TABLE search_document ADD COLUMN vector tsvector GENERATED ALWAYS AS ({INITIAL.VECTOR}) STORED",
    "CREATE INDEX search_document_vector ON search_document USING gin (vector)",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES:
            schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_REVERSE:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_story_facts")]

    operations = [migrations.RunPython(forwards, backwards)]
