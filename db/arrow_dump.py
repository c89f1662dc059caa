"""Run one query on an SQLite file through ADBC and write the rows to stdout as an
Arrow IPC stream: `python -m db.arrow_dump PATH < query.sql`.

The read model's cold load runs this in a child process. ADBC's SQLite driver links
its own copy of SQLite, and two copies of SQLite in one process break each other's
POSIX locks (sqlite.org/howtocorrupt.html, 2.2.1): in the app's process it reads a WAL
database without seeing recent commits, and closing it can drop the app's own locks."""

from __future__ import annotations

import sys

import adbc_driver_sqlite.dbapi as adbc_sqlite
import pyarrow as pa


def main() -> None:
    path, query = sys.argv[1], sys.stdin.read()
    with adbc_sqlite.connect(path) as connection:
        cursor = connection.cursor()
        try:
            cursor.execute(query)
            table = cursor.fetch_arrow_table()
        finally:
            cursor.close()
    with pa.ipc.new_stream(sys.stdout.buffer, table.schema) as writer:
        writer.write_table(table)


if __name__ == "__main__":
    main()
