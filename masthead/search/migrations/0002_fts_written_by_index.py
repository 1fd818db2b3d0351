"""On SQLite, documents written are put into ``search_fts`` by the index itself
(engines/sqlite.py ``documents_written``), which folds only the texts that need it: the
insert and update triggers folded every text in SQL, a third of the cost of indexing. The
delete trigger stays, for documents deleted with their story."""

from importlib import import_module

from django.db import migrations


# As 0001 made them, to put back.
INITIAL = import_module("masthead.search.migrations.0001_initial")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS search_document_insert", params=None)
        schema_editor.execute("DROP TRIGGER IF EXISTS search_document_update", params=None)


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in INITIAL.SQLITE:
            if "TRIGGER search_document_insert" in statement or "TRIGGER search_document_update" in statement:
                schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(drop, restore)]
