"""``search_story``: what the filters need of each story, kept by triggers on
``stories_story`` (insert, the columns' update, delete) on both engines, filled from the
stories there are."""

from django.db import migrations, models

COLUMNS = ["status", "published_at", "channel_id", "section_id", "source_id", "kind"]
NAMES = ", ".join(COLUMNS)
NEW = ", ".join(f"new.{c}" for c in COLUMNS)
UPDATES = ", ".join(f"{c} = excluded.{c}" for c in COLUMNS)
UPSERT = (
    f"INSERT INTO search_story (story_id, {NAMES}) VALUES (new.id, {NEW}) "
    f"ON CONFLICT (story_id) DO UPDATE SET {UPDATES}"
)
BACKFILL = f"INSERT INTO search_story (story_id, {NAMES}) SELECT id, {NAMES} FROM stories_story"

SQLITE = [
    f"CREATE TRIGGER search_facts_insert AFTER INSERT ON stories_story BEGIN {UPSERT}; END",
    f"CREATE TRIGGER search_facts_update AFTER UPDATE OF {NAMES} ON stories_story BEGIN {UPSERT}; END",
    "CREATE TRIGGER search_facts_delete AFTER DELETE ON stories_story BEGIN "
    "DELETE FROM search_story WHERE story_id = old.id; END",
    BACKFILL,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_facts_insert",
    "DROP TRIGGER IF EXISTS search_facts_update",
    "DROP TRIGGER IF EXISTS search_facts_delete",
]
POSTGRES = [
    f"""CREATE FUNCTION search_story_facts() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM search_story WHERE story_id = OLD.id;
        ELSE
            {UPSERT.replace("new.", "NEW.")};
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER search_facts AFTER INSERT OR DELETE OR UPDATE OF """
    + NAMES
    + """ ON stories_story FOR EACH ROW EXECUTE FUNCTION search_story_facts()""",
    BACKFILL,
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS search_facts ON stories_story",
    "DROP FUNCTION IF EXISTS search_story_facts()",
]


def forwards(apps, schema_editor):
    statements = SQLITE if schema_editor.connection.vendor == "sqlite" else POSTGRES
    for statement in statements:
        schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):
    statements = SQLITE_REVERSE if schema_editor.connection.vendor == "sqlite" else POSTGRES_REVERSE
    for statement in statements:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('search', '0002_fts_written_by_index'),
        ('stories', '0004_story_published_date_only'),
    ]

    operations = [
        migrations.CreateModel(
            name='StoryFacts',
            fields=[
                ('story_id', models.BigIntegerField(primary_key=True, serialize=False)),
                ('status', models.CharField(max_length=16)),
                ('published_at', models.DateTimeField(null=True)),
                ('channel_id', models.BigIntegerField()),
                ('section_id', models.BigIntegerField()),
                ('source_id', models.BigIntegerField(null=True)),
                ('kind', models.CharField(max_length=16)),
            ],
            options={
                'db_table': 'search_story',
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
