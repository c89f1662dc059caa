"""Run one query on an SQLite file through ADBC and write the rows to stdout as an
Arrow IPC stream: `python -m db.arrow_dump PATH < query.sql`.

The read model's cold load runs this in a child process. ADBC's SQLite driver links
its own copy of SQLite, and two copies of SQLite in one process break each other's
POSIX locks (sqlite.org/howtocorrupt.html, 2.2.1): in the app's process it reads a WAL
database without seeing recent commits, and closing it can drop the app's own locks.

Rows are written batch by batch as the driver produces them, so neither process holds
the whole table."""

from __future__ import annotations

import sys

import adbc_driver_sqlite.dbapi as adbc_sqlite
import pyarrow as pa
from adbc_driver_sqlite import StatementOptions

# Rows per batch. The driver infers each column's type from the first batch; the read
# model's query makes every column text or an integer, so any size is safe.
BATCH_ROWS = 65_536


def main() -> None:
    path, query = sys.argv[1], sys.stdin.read()
    with adbc_sqlite.connect(path) as connection:
        cursor = connection.cursor()
        try:
            cursor.adbc_statement.set_options(**{StatementOptions.BATCH_ROWS.value: BATCH_ROWS})
            cursor.execute(query)
            reader = cursor.fetch_record_batch()
            with pa.ipc.new_stream(sys.stdout.buffer, reader.schema) as writer:
                for batch in reader:
                    writer.write_batch(batch)
        finally:
            cursor.close()


if __name__ == "__main__":
    main()
