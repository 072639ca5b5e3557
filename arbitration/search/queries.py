"""Searching the index: the cases a person may open whose text holds every word asked for, best first, each with
its best-matching pieces of text. Every search is scoped by the access model's `visible(user, Case)`, and each
piece of text by who may read its kind (a ruling as rulings are read, a file as files are, a message written to
the arbitrator alone only by staff), so nobody finds a case, or a word, they could not open."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from arbitration import access
from arbitration.access import Relation
from arbitration.auth.models import Role
from arbitration.cases import filters as case_filters
from arbitration.cases.filters import CaseFilter
from arbitration.cases.models import Case
from arbitration.db import db
from arbitration.evidence import permissions as evidence_permissions  # noqa: F401  (who reads files)
from arbitration.evidence.models import Evidence
from arbitration.rulings import permissions as ruling_permissions  # noqa: F401  (who reads rulings)
from arbitration.rulings.models import Ruling
from arbitration.search.models import SearchDocument
from arbitration.search.text import Piece, highlight, query_words

PAGE_SIZE = 20
PIECES_PER_CASE = 3
# who reads the messages once written to the arbitrator alone (cases.permissions.reads_all_messages: the case's
# arbitrator and supervisors; `visible` already keeps an arbitrator to their own cases)
READS_RESTRICTED = (Role.arbitrator, Role.supervisor)
# ranking reads every match's text vector: past this many matching pieces the rest are not ranked (a one-word
# query matching most of the platform would otherwise rank it all; docs/BENCHMARKS.md)
RANKED_AT_MOST = 5000
# a search over every case with no filter (a regulator's, a supervisor's) ranks the newest matching pieces only:
# walked newest case first along the (case_id, …) index, so a word in most documents costs this many pieces and
# not a read of its whole posting list (the ranking's ties already go to the newest case; docs/DECISIONS.md) ...
RANKED_NEWEST = 1000
# ... among the newest cases first (a walk of bounded length); only when they hold fewer matching pieces are the
# older cases' matches read, all at once through the full-text index (words common alone but rare together)
NEWEST_WINDOW = 5000


@dataclass(frozen=True)
class Hit:
    source: str
    source_id: int
    pieces: list[Piece]


@dataclass
class Result:
    case: Case
    score: float
    hits: list[Hit] = field(default_factory=list)


@dataclass(frozen=True)
class Results:
    words: list[str]
    rows: list[Result]
    page: int
    more: bool


# the relation by which each role sees a case (cases.permissions ties one per role)
CASE_RELATION = {Role.buyer: Relation.buyer, Role.merchant_staff: Relation.merchant_staff,
                 Role.arbitrator: Relation.arbitrator, **access.ROLE_RELATIONS}


def _readable(user):
    """Which documents of a visible case the user may read. Where the relation that shows the user the case also
    lets them read rulings (files), a ruling (file) of a visible case is readable and needs no clause of its own;
    otherwise (support: cases, not rulings nor files) the kind's own `visible` clause decides."""
    d = SearchDocument
    conditions = []
    if user.role not in READS_RESTRICTED:
        conditions.append(d.restricted.is_(False))
    for source, model in (("ruling", Ruling), ("evidence", Evidence)):
        if CASE_RELATION.get(user.role) in access.viewers_of(model):
            continue
        clause = access.visible(user, model)
        if clause is sa.true():
            continue
        if clause is sa.false():
            conditions.append(d.source != source)
        else:
            conditions.append(sa.or_(d.source != source, d.source_id.in_(sa.select(model.id).where(clause))))
    return conditions


def _tsquery(words: list[str]):
    return sa.func.plainto_tsquery(sa.literal_column("'simple'::regconfig"), " ".join(words))


def _fts_expression(words: list[str]) -> str:
    # every word, each as an FTS5 string (a word is never read as an operator)
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


@dataclass(frozen=True)
class FullText:
    """A table of segmented `words` and its full-text index (PostgreSQL: a generated `tsv` column; SQLite: an FTS5
    table over the words, rowid = the table's id)."""
    table: str
    fts: str


CASE_TEXT = FullText("search_documents", "search_fts")


def match_score(dialect: str, words: list[str], index: FullText = CASE_TEXT):
    """(a condition on the index's table: the row holds every word, the row's score: higher is better). On SQLite
    the condition is a subquery (doc_id, score) to join on the table's id."""
    if dialect == "postgresql":
        tsv = sa.literal_column(f"{index.table}.tsv")
        query = _tsquery(words)
        return tsv.op("@@")(query), sa.func.ts_rank_cd(tsv, query)
    fts = sa.literal_column(index.fts)
    matched = (sa.select(sa.literal_column("rowid").label("doc_id"), (-sa.func.bm25(fts)).label("score"))
               .select_from(sa.table(index.fts)).where(fts.op("MATCH")(_fts_expression(words))).subquery())
    return matched, matched.c.score


def _matches(dialect: str, words: list[str]):
    """A condition on search_documents: the row holds every word."""
    if dialect == "postgresql":
        return sa.literal_column("search_documents.tsv").op("@@")(_tsquery(words))
    fts = sa.literal_column("search_fts")
    return SearchDocument.id.in_(sa.select(sa.literal_column("rowid")).select_from(sa.table("search_fts"))
                                 .where(fts.op("MATCH")(_fts_expression(words))))


# the order of a case's pieces under its result: the decision first, the file's own words last
SOURCE_ORDER = {"ruling": 0, "statement": 1, "refusal": 2, "request": 3, "message": 4, "evidence": 5}


def _newest(hits) -> list[tuple[int, float]]:
    """The newest RANKED_NEWEST pieces of `hits` (case_id, score), newest case first. First among the newest
    NEWEST_WINDOW cases (PostgreSQL walks the (case_id, …) index back, or reads a rare word's few matches, as it
    estimates); if they hold fewer, the older cases' matches are read whole (a materialised CTE: planned without
    the limit, so by the full-text index and not by a walk back that would read every piece to find two common
    words that are never together) and the newest of them added. The same pieces as one walk back, in bounded time."""
    d = SearchDocument
    top = db.session.scalar(sa.select(sa.func.max(d.case_id)))
    if top is None:
        return []
    floor = top - NEWEST_WINDOW
    rows = [tuple(r) for r in db.session.execute(
        hits.where(d.case_id > floor).order_by(d.case_id.desc()).limit(RANKED_NEWEST))]
    if len(rows) < RANKED_NEWEST:
        older = hits.where(d.case_id <= floor).cte("older").prefix_with("MATERIALIZED")
        rows += [tuple(r) for r in db.session.execute(
            sa.select(older.c.case_id, older.c.score).order_by(older.c.case_id.desc())
            .limit(RANKED_NEWEST - len(rows)))]
    return rows


def _ranked(rows: list[tuple[int, float]], page: int) -> list[tuple[int, float]]:
    """Cases by their best piece, best first (ties: the newest case first): the page asked for, and one more."""
    best: dict[int, float] = {}
    for case_id, score in rows:
        if case_id not in best or score > best[case_id]:
            best[case_id] = score
    ordered = sorted(best.items(), key=lambda cs: (-cs[1], -cs[0]))
    return ordered[(page - 1) * PAGE_SIZE:page * PAGE_SIZE + 1]


def search(user, query: str, f: CaseFilter | None = None, page: int = 1) -> Results:
    words = query_words(query)
    if not words:
        return Results(words, [], 1, False)
    d = SearchDocument
    page = max(1, page)
    dialect = db.session.get_bind().dialect.name
    condition, score = match_score(dialect, words)
    f = f or CaseFilter()
    scope = access.visible(user, Case)
    # the matching pieces the user may read, scoped and filtered first, then capped, then ranked (a case by its
    # best piece; ties: the newest case first)
    hits = sa.select(d.case_id, score.label("score"))
    hits = hits.join(condition, condition.c.doc_id == d.id) if dialect != "postgresql" else hits.where(condition)
    hits = hits.where(*_readable(user))
    if scope is sa.true() and f == CaseFilter():
        # every case, unfiltered: no condition on the case (its row is not read), the newest pieces
        ranked = _ranked(_newest(hits), page)
    else:
        hits = hits.join(Case, Case.id == d.case_id).where(scope)
        hits = case_filters.apply(hits, f).limit(RANKED_AT_MOST).subquery()
        best = sa.func.max(hits.c.score).label("best")
        ranked = [tuple(r) for r in db.session.execute(
            sa.select(hits.c.case_id, best).group_by(hits.c.case_id).order_by(best.desc(), hits.c.case_id.desc())
            .limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE))]
    more = len(ranked) > PAGE_SIZE
    ranked = ranked[:PAGE_SIZE]
    if not ranked:
        return Results(words, [], page, False)
    ids = [case_id for case_id, _best in ranked]
    cases = {c.id: c for c in db.session.scalars(sa.select(Case).where(Case.id.in_(ids)))}
    results = {case_id: Result(cases[case_id], float(best or 0)) for case_id, best in ranked}
    docs = db.session.execute(
        sa.select(d.case_id, d.source, d.source_id, d.body)
        .where(d.case_id.in_(ids), _matches(dialect, words), *_readable(user)).order_by(d.id)).all()
    for doc in sorted(docs, key=lambda doc: SOURCE_ORDER[doc.source]):
        result = results[doc.case_id]
        if len(result.hits) < PIECES_PER_CASE:
            result.hits.append(Hit(doc.source, doc.source_id, highlight(doc.body, words)))
    return Results(words, [results[i] for i in ids], page, more)
