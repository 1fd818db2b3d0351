"""Exit 0 if the PostgreSQL server in the URL answers; used by scripts/test."""

import sys

import psycopg

url = sys.argv[1]
# Connect to the server's maintenance database: the test database itself is made by the tests.
base, _, _name = url.rpartition("/")
try:
    with psycopg.connect(f"{base}/postgres", connect_timeout=5) as conn:
        conn.execute("SELECT 1")
except psycopg.Error as error:
    print(f"PostgreSQL: {error}".strip(), file=sys.stderr)
    sys.exit(1)
