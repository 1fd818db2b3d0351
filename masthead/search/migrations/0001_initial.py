"""The index's tables, and each engine's structures over them.

SQLite: ``search_fts``, a contentless FTS5 table (porter stemming over unicode61 with
diacritics removed) fed by triggers on ``search_document`` with text folded by ``FOLDED``
(letters unicode61 keeps but PostgreSQL's unaccent folds: masthead/search/query.py's
EXTRA_FOLDS, the same pairs). PostgreSQL: the unaccent extension, an immutable wrapper
``masthead_search_text`` (unaccent, then punctuation to spaces, so that "nytimes.com" and
"al-Qaeda" are words as FTS5 sees them), a generated ``vector`` column weighted A (headline),
B (excerpt), C (byline, source, section and channel) and D (body), and its GIN index.

Both: triggers that mark ``search_pending`` whenever a story's text, or the name of its
channel, section or source, changes, however the row is written.
"""

import django.db.models.deletion
from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations, models

FOLDS = [
    ("ß", "ss"), ("ẞ", "SS"), ("æ", "ae"), ("Æ", "AE"), ("œ", "oe"), ("Œ", "OE"),
    ("ø", "o"), ("Ø", "O"), ("ł", "l"), ("Ł", "L"), ("đ", "d"), ("Đ", "D"), ("ð", "d"),
    ("Ð", "D"), ("þ", "th"), ("Þ", "TH"), ("ħ", "h"), ("Ħ", "H"), ("ı", "i"), ("ŀ", "l"),
    ("Ŀ", "L"),
]
COLUMNS = ["headline", "excerpt", "byline", "source", "place", "body"]
STORY_TEXT = ["headline", "excerpt", "body", "byline", "channel_id", "section_id", "source_id"]


def FOLDED(expression):
    for letter, folded in FOLDS:
        expression = f"replace({expression}, '{letter}', '{folded}')"
    return expression


def _values(row):
    return ", ".join(FOLDED(f"{row}.{column}") for column in COLUMNS)


MARK_SQLITE = (
    "INSERT INTO search_pending (story_id, marks) {select} "
    "ON CONFLICT (story_id) DO UPDATE SET marks = marks + 1;"
)

SQLITE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    + ", ".join(COLUMNS)
    + ", content='', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE search_fts_terms USING fts5vocab(search_fts, 'row')",
    f"""CREATE TRIGGER search_document_insert AFTER INSERT ON search_document BEGIN
        INSERT INTO search_fts (rowid, {", ".join(COLUMNS)}) VALUES (new.story_id, {_values("new")});
    END""",
    f"""CREATE TRIGGER search_document_delete AFTER DELETE ON search_document BEGIN
        INSERT INTO search_fts (search_fts, rowid, {", ".join(COLUMNS)})
            VALUES ('delete', old.story_id, {_values("old")});
    END""",
    f"""CREATE TRIGGER search_document_update AFTER UPDATE ON search_document BEGIN
        INSERT INTO search_fts (search_fts, rowid, {", ".join(COLUMNS)})
            VALUES ('delete', old.story_id, {_values("old")});
        INSERT INTO search_fts (rowid, {", ".join(COLUMNS)}) VALUES (new.story_id, {_values("new")});
    END""",
    f"""CREATE TRIGGER search_story_insert AFTER INSERT ON stories_story BEGIN
        {MARK_SQLITE.format(select="VALUES (new.id, 1)")}
    END""",
    f"""CREATE TRIGGER search_story_update AFTER UPDATE ON stories_story
    WHEN {" OR ".join(f"old.{c} IS NOT new.{c}" for c in STORY_TEXT)} BEGIN
        {MARK_SQLITE.format(select="VALUES (new.id, 1)")}
    END""",
    f"""CREATE TRIGGER search_channel_update AFTER UPDATE OF name ON channels_channel
    WHEN old.name IS NOT new.name BEGIN
        {MARK_SQLITE.format(select="SELECT id, 1 FROM stories_story WHERE channel_id = new.id")}
    END""",
    f"""CREATE TRIGGER search_section_update AFTER UPDATE OF name ON channels_section
    WHEN old.name IS NOT new.name BEGIN
        {MARK_SQLITE.format(select="SELECT id, 1 FROM stories_story WHERE section_id = new.id")}
    END""",
    f"""CREATE TRIGGER search_source_update AFTER UPDATE OF name, domain ON stories_source
    WHEN old.name IS NOT new.name OR old.domain IS NOT new.domain BEGIN
        {MARK_SQLITE.format(select="SELECT id, 1 FROM stories_story WHERE source_id = new.id")}
    END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_source_update",
    "DROP TRIGGER IF EXISTS search_section_update",
    "DROP TRIGGER IF EXISTS search_channel_update",
    "DROP TRIGGER IF EXISTS search_story_update",
    "DROP TRIGGER IF EXISTS search_story_insert",
    "DROP TRIGGER IF EXISTS search_document_update",
    "DROP TRIGGER IF EXISTS search_document_delete",
    "DROP TRIGGER IF EXISTS search_document_insert",
    "DROP TABLE IF EXISTS search_fts_terms",
    "DROP TABLE IF EXISTS search_fts",
]

# Punctuation to spaces: ASCII's, Latin-1's and the General Punctuation block (dashes,
# curly quotes). Spelled out, not [[:punct:]], which depends on the database's locale.
PUNCTUATION = r"[!-/:-@\[-`{-~\u00a1-\u00bf\u2010-\u205e]+"
VECTOR = " || ".join(
    f"setweight(to_tsvector('pg_catalog.english'::regconfig, masthead_search_text({text})), '{weight}')"
    for text, weight in [
        ("headline", "A"),
        ("excerpt", "B"),
        ("byline", "C"),
        ("source", "C"),
        ("place", "C"),
        ("body", "D"),
    ]
)


def _mark_function(name, select):
    return f"""CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO search_pending (story_id, marks) {select}
        ON CONFLICT (story_id) DO UPDATE SET marks = search_pending.marks + 1;
        RETURN NULL;
    END $$"""


def postgres_sql(unaccent_schema):
    return [
        f"""CREATE FUNCTION masthead_search_text(text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
            SELECT regexp_replace(
                {unaccent_schema}.unaccent('{unaccent_schema}.unaccent'::regdictionary, $1),
                E'{PUNCTUATION}', ' ', 'g')
        $$""",
        f"ALTER TABLE search_document ADD COLUMN vector tsvector GENERATED ALWAYS AS ({VECTOR}) STORED",
        "CREATE INDEX search_document_vector ON search_document USING gin (vector)",
        _mark_function("search_mark_story", "VALUES (NEW.id, 1)"),
        _mark_function(
            "search_mark_channel", "SELECT id, 1 FROM stories_story WHERE channel_id = NEW.id"
        ),
        _mark_function(
            "search_mark_section", "SELECT id, 1 FROM stories_story WHERE section_id = NEW.id"
        ),
        _mark_function(
            "search_mark_source", "SELECT id, 1 FROM stories_story WHERE source_id = NEW.id"
        ),
        """CREATE TRIGGER search_story_insert AFTER INSERT ON stories_story
        FOR EACH ROW EXECUTE FUNCTION search_mark_story()""",
        f"""CREATE TRIGGER search_story_update AFTER UPDATE ON stories_story FOR EACH ROW
        WHEN ({" OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in STORY_TEXT)})
        EXECUTE FUNCTION search_mark_story()""",
        """CREATE TRIGGER search_channel_update AFTER UPDATE OF name ON channels_channel
        FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
        EXECUTE FUNCTION search_mark_channel()""",
        """CREATE TRIGGER search_section_update AFTER UPDATE OF name ON channels_section
        FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
        EXECUTE FUNCTION search_mark_section()""",
        """CREATE TRIGGER search_source_update AFTER UPDATE OF name, domain ON stories_source
        FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.domain IS DISTINCT FROM NEW.domain)
        EXECUTE FUNCTION search_mark_source()""",
    ]


POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS search_source_update ON stories_source",
    "DROP TRIGGER IF EXISTS search_section_update ON channels_section",
    "DROP TRIGGER IF EXISTS search_channel_update ON channels_channel",
    "DROP TRIGGER IF EXISTS search_story_update ON stories_story",
    "DROP TRIGGER IF EXISTS search_story_insert ON stories_story",
    "DROP FUNCTION IF EXISTS search_mark_source()",
    "DROP FUNCTION IF EXISTS search_mark_section()",
    "DROP FUNCTION IF EXISTS search_mark_channel()",
    "DROP FUNCTION IF EXISTS search_mark_story()",
    "DROP INDEX IF EXISTS search_document_vector",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS vector",
    "DROP FUNCTION IF EXISTS masthead_search_text(text)",
]


def engine_structures(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        statements = SQLITE
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'unaccent'"
            )
            statements = postgres_sql(cursor.fetchone()[0])
    else:
        raise NotImplementedError(f"search has no engine for {connection.vendor}")
    for statement in statements:
        schema_editor.execute(statement, params=None)


def engine_structures_reverse(apps, schema_editor):
    connection = schema_editor.connection
    statements = SQLITE_REVERSE if connection.vendor == "sqlite" else POSTGRES_REVERSE
    for statement in statements:
        schema_editor.execute(statement, params=None)



class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('channels', '0003_follows'),
        ('stories', '0005_ranking_and_pins'),
    ]

    operations = [
        migrations.CreateModel(
            name='Document',
            fields=[
                ('story', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='search_document', serialize=False, to='stories.story')),
                ('headline', models.TextField()),
                ('excerpt', models.TextField(blank=True)),
                ('byline', models.TextField(blank=True)),
                ('source', models.TextField(blank=True, help_text="The publisher's name and domain.")),
                ('place', models.TextField(blank=True, help_text="The section's and the channel's names.")),
                ('body', models.TextField(blank=True, help_text="The body's text, without markup.")),
                ('indexed_at', models.DateTimeField()),
            ],
            options={
                'db_table': 'search_document',
            },
        ),
        migrations.CreateModel(
            name='Pending',
            fields=[
                ('story_id', models.BigIntegerField(primary_key=True, serialize=False)),
                ('marks', models.PositiveIntegerField(default=1)),
            ],
            options={
                'db_table': 'search_pending',
            },
        ),
        migrations.CreateModel(
            name='ReindexRun',
            fields=[
                ('scope', models.CharField(max_length=80, primary_key=True, serialize=False)),
                ('last_id', models.BigIntegerField(default=0)),
                ('done', models.PositiveIntegerField(default=0)),
                ('started_at', models.DateTimeField()),
                ('updated_at', models.DateTimeField()),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'db_table': 'search_reindex_run',
            },
        ),
        UnaccentExtension(),
        migrations.RunPython(engine_structures, engine_structures_reverse),
    ]
