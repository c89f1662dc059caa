"""Full-text search over cases, the same on SQLite and PostgreSQL.

Python splits the text into tokens once, when a case is written, and stores them in
`case_search.document`. SQLite indexes that column with FTS5; PostgreSQL with a GIN
index over `array_to_tsvector` of the same tokens. Neither database's own parser sees
the raw text, so both find exactly the same cases. A query matches a case when the case
holds a word starting with each query token ("hoa bogor" finds "hoaks … Bogor").
A pasted link matches the cases holding the same content (or the same short link)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from sqlalchemy import bindparam, delete, exists, insert, text
from sqlalchemy.engine import Connection
from sqlmodel import Session, select

from casework.intake.urls import analyse_url
from db.engine import begin_write
from db.models import Case, CaseSearch, CaseUrl

# Words every link carries; indexing them would only make the index larger.
NOISE = frozenset({"http", "https", "www", "com", "m", "web"})
REFERENCE = re.compile(r"\b([A-Za-z]{2,5})-(\d{4})-(\d{1,9})\b")
TOKEN = re.compile(r"[^\W_]+")
MAX_QUERY_TOKENS = 8
LINK = re.compile(r"^(https?://|www\.)\S+$", re.IGNORECASE)
MAX_TOKEN = 60


def tokens(value: str | None) -> list[str]:
    """Lowercase tokens of `value` without accents, noise words or duplicates."""
    if not value:
        return []
    # A reference is one token ("pan2024000123"), so searching for it does not mean
    # intersecting "pan" and "2024", which every case carries.
    value = REFERENCE.sub(lambda m: " " + "".join(m.groups()) + " ", value)
    folded = unicodedata.normalize("NFKD", value.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    seen: dict[str, None] = {}
    for token in TOKEN.findall(folded):
        token = token[:MAX_TOKEN]
        # One letter says nothing ("p" in every Instagram link) and, as a prefix, would
        # match half the index.
        if len(token) > 1 and token not in NOISE:
            seen.setdefault(token, None)
    return list(seen)


def document_for(
    *,
    reference: str,
    title: str,
    description: str | None,
    account_handle: str | None,
    urls: Iterable[str] = (),
) -> str:
    """The search document of one case."""
    serial = reference.rsplit("-", 1)[-1]
    parts = [reference, serial, title, description or "", account_handle or "", *urls]
    seen: dict[str, None] = {}
    for part in parts:
        for token in tokens(part):
            seen.setdefault(token, None)
    return " ".join(seen)


def reindex(session: Session, case_ids: Iterable[int]) -> None:
    """Rewrite the search documents of `case_ids` inside the caller's transaction."""
    ids = sorted(set(case_ids))
    connection = session.connection()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        _write_documents(connection, chunk, replace=True)


def index_missing(session: Session, *, batch: int = 5000) -> int:
    """Index every case that has no search document yet (after an upgrade, or rows
    written by a bulk seed); returns how many were indexed."""
    done, after = 0, 0
    while True:
        missing = session.exec(
            select(Case.id)
            .where(Case.id > after, ~exists().where(CaseSearch.case_id == Case.id))
            .order_by(Case.id)
            .limit(batch)
        ).all()
        session.rollback()  # end the read, so the write below takes the write lock
        if not missing:
            return done
        begin_write(session)
        _write_documents(session.connection(), list(missing), replace=False)
        session.commit()
        done += len(missing)
        after = missing[-1]


def _write_documents(connection: Connection, ids: list[int], *, replace: bool) -> None:
    cases = connection.execute(
        select(Case.id, Case.reference, Case.title, Case.description, Case.account_handle).where(
            Case.id.in_(ids)
        )
    ).all()
    links: dict[int, list[str]] = {}
    for case_id, url in connection.execute(
        select(CaseUrl.case_id, CaseUrl.url).where(CaseUrl.case_id.in_(ids)).order_by(CaseUrl.id)
    ):
        links.setdefault(case_id, []).append(url)
    if replace:
        connection.execute(delete(CaseSearch).where(CaseSearch.case_id.in_(ids)))
    rows = [
        {
            "case_id": case_id,
            "document": document_for(
                reference=reference,
                title=title,
                description=description,
                account_handle=handle,
                urls=links.get(case_id, ()),
            ),
        }
        for case_id, reference, title, description, handle in cases
    ]
    if rows:
        connection.execute(insert(CaseSearch), rows)


SQLITE_ANY = "SELECT rowid AS case_id FROM case_search_fts WHERE case_search_fts MATCH :q"
SQLITE_NEWEST = SQLITE_ANY + " ORDER BY rowid DESC"
POSTGRES_ANY = "SELECT case_id FROM case_search WHERE search_vector @@ CAST(:q AS tsquery)"
POSTGRES_NEWEST = POSTGRES_ANY + " ORDER BY case_id DESC"


def matching_case_ids(dialect: str, query: str, *, newest_first: bool = False):
    """A subquery of the ids of cases matching `query`, or None when the query has no
    token to search for. `newest_first` reads them highest id first."""
    query = (query or "").strip()
    if LINK.match(query):
        info = analyse_url(query)
        urls = select(CaseUrl.case_id.label("case_id")).distinct()
        if info.ok and info.content_key:
            return urls.where(CaseUrl.canonical_key == info.content_key)
        if info.ok and info.needs_review:  # a short link: only the same link is known
            return urls.where(CaseUrl.url == info.url)
    words = tokens(query)[:MAX_QUERY_TOKENS]
    if not words:
        return None
    # Every word as a prefix: people type the start of each word ("hoa bogor" finds
    # "hoaks ... Bogor"), not only of the last one.
    if dialect == "sqlite":
        expression = " AND ".join(f'"{w}"*' for w in words)
        statement = text(SQLITE_NEWEST if newest_first else SQLITE_ANY)
    else:
        # Lexemes quoted verbatim: a tsquery literal, not to_tsquery, so PostgreSQL's
        # parser never re-splits them.
        expression = " & ".join(f"'{w}':*" for w in words)
        statement = text(POSTGRES_NEWEST if newest_first else POSTGRES_ANY)
    return statement.bindparams(bindparam("q", expression)).columns(case_id=Case.id.type)
