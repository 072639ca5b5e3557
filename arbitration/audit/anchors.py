"""Anchors: once a day (and on demand, `flask audit anchor`) the heads of every chain are gathered into a Merkle
root (audit/merkle.py) that the time stamping authority stamps. The authority's signature fixes the root in time;
the stored leaves say what each chain's head was then. `flask audit verify` recomputes each anchor's root from its
leaves, checks the stamp, and compares every chain with the hashes its anchors recorded: a chain rewritten before
an anchor shows even when the rewriter held the audit key (the key lets one recompute hashes, not the stamp)."""
from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import re
import zlib
from dataclasses import dataclass

import sqlalchemy as sa

from arbitration import clock
from arbitration.audit import merkle
from arbitration.audit.models import Anchor, ChainHead
from arbitration.db import db
from arbitration.signing import service as signing
from arbitration.signing.tsa import TsaUnavailable
from arbitration.signing.verify import TokenCheck

log = logging.getLogger(__name__)
DAY = dt.timedelta(days=1)


def _heads() -> list[tuple[str, str, int, str]]:
    rows = db.session.execute(sa.select(ChainHead.subject_type, ChainHead.subject_id, ChainHead.seq, ChainHead.hash)
                              .order_by(ChainHead.subject_type, ChainHead.subject_id)
                              .execution_options(yield_per=5000))
    return [(st, sid, seq, h) for st, sid, seq, h in rows]


def take(now: dt.datetime | None = None) -> Anchor:
    """An anchor over every chain's head now (not yet stamped: `stamp_pending` after the commit)."""
    heads = _heads()
    root = merkle.root(merkle.leaf(*h) for h in heads)
    anchor = Anchor(created_at=now or clock.now_utc(), chains=len(heads), root=root.hex(),
                    leaves=zlib.compress(json.dumps(heads, separators=(",", ":")).encode(), 6))
    db.session.add(anchor)
    db.session.flush()
    return anchor


def stamp(anchor: Anchor) -> bool:
    """Ask the authority to stamp the anchor's root; False when none is configured or it does not answer."""
    if signing.tsa() is None:
        return False
    try:
        anchor.tsr = signing.stamp(bytes.fromhex(anchor.root))
    except TsaUnavailable as err:
        log.warning("anchor %s not stamped (retried later): %s", anchor.id, err)
        return False
    anchor.stamped_at = clock.now_utc()
    db.session.flush()
    return True


def pending() -> list[Anchor]:
    return list(db.session.scalars(sa.select(Anchor).where(Anchor.tsr.is_(None)).order_by(Anchor.id)))


def latest() -> Anchor | None:
    return db.session.scalar(sa.select(Anchor).order_by(Anchor.id.desc()).limit(1))


def latest_id() -> int | None:
    return db.session.scalar(sa.select(sa.func.max(Anchor.id)))


def daily(now: dt.datetime | None = None) -> None:
    """Take the day's anchor when the last is a day old; stamp those the authority could not stamp yet (the
    queue runs this every minute: oversight/anchoring.py)."""
    now = now or clock.now_utc()
    last = latest()
    if last is None or now - last.created_at >= DAY:
        take(now)
    if signing.tsa() is None:       # nothing to stamp with: the unstamped anchors wait, unread
        return
    for anchor in pending():
        if not stamp(anchor):
            break


def leaves_of(anchor: Anchor) -> list[tuple[str, str, int, str]]:
    return [tuple(x) for x in json.loads(zlib.decompress(anchor.leaves))]


@dataclass(frozen=True)
class AnchorMismatch:
    """The chain's event at `seq` no longer has the hash anchor `anchor_id` recorded: an event at or before seq,
    written before that anchor was taken, has been changed since (a rewrite even by someone holding the audit
    key)."""
    anchor_id: int
    anchored_at: dt.datetime
    seq: int


@dataclass(frozen=True)
class AnchorStatus:
    anchor_id: int
    created_at: dt.datetime
    chains: int
    root_ok: bool               # the stored leaves still give the stored root
    stamp: TokenCheck | None    # None: not stamped (no authority configured, or it was down)

    @property
    def trustworthy(self) -> bool:
        return self.root_ok and self.stamp is not None and self.stamp.ok


class Anchored:
    """What the trustworthy anchors recorded, per chain: {(type, id): [(anchor id, created_at, seq, hash)]}."""

    def __init__(self):
        self.statuses: list[AnchorStatus] = []
        self.by_chain: dict[tuple[str, str], list[tuple[int, dt.datetime, int, str]]] = {}
        for anchor in db.session.scalars(sa.select(Anchor).order_by(Anchor.id)):
            leaves = leaves_of(anchor)
            root_ok = merkle.root(merkle.leaf(*x) for x in leaves).hex() == anchor.root
            token = signing.check_timestamp(anchor.tsr, bytes.fromhex(anchor.root)) if anchor.tsr else None
            status = AnchorStatus(anchor.id, anchor.created_at, anchor.chains, root_ok, token)
            self.statuses.append(status)
            if status.trustworthy:
                for st, sid, seq, h in leaves:
                    self.by_chain.setdefault((st, sid), []).append((anchor.id, anchor.created_at, seq, h))

    def seqs(self, subject_type: str, subject_id: str) -> set[int]:
        return {seq for _a, _t, seq, _h in self.by_chain.get((subject_type, subject_id), ())}

    def mismatch(self, subject_type: str, subject_id: str, at_seq: dict[int, str]) -> AnchorMismatch | None:
        for anchor_id, at, seq, h in self.by_chain.get((subject_type, subject_id), ()):
            if seq and at_seq.get(seq) != h:
                return AnchorMismatch(anchor_id, at, seq)
        return None

    def chains(self) -> set[tuple[str, str]]:
        return set(self.by_chain)


@dataclass(frozen=True)
class Covering:
    """The last anchor that holds a chain: when it was taken, its root, the authority's time on it (None: not
    stamped yet), and the chain's seq it recorded (the chain's events after that seq are not anchored yet)."""
    anchor_id: int
    created_at: dt.datetime
    root: str
    stamped_at: dt.datetime | None
    seq: int


_DIGITS = re.compile(rb"(\d+)")


@functools.lru_cache(maxsize=1)
def _leaves_text(anchor_id: int, root: str) -> bytes:
    """The latest anchor's leaves as JSON, decompressed once per process (a bulk export reads it per case). Keyed
    by the root too: the root is a function of the leaves, so a cached text is never another anchor's."""
    return zlib.decompress(db.session.scalar(sa.select(Anchor.leaves).where(Anchor.id == anchor_id)))


def covering(subject_type: str, subject_id) -> Covering | None:
    """The latest anchor whose gathered heads include the chain (None: no anchor covers it yet). Every anchor takes
    every chain's head and chains are never removed, so that is the latest anchor when it holds the chain; a chain
    missing from it was made after it (a chain that vanished from a later anchor is `flask audit verify`'s to
    name). The chain's leaf is found in the JSON text without parsing all 200,000 leaves (docs/DECISIONS.md)."""
    anchor = latest()
    if anchor is None:
        return None
    text = _leaves_text(anchor.id, anchor.root)
    kind, name = json.dumps(subject_type).encode(), json.dumps(str(subject_id)).encode()
    if b", " not in text[:200]:         # as take() writes it (compact): a plain search, ~10 ms per 200,000 leaves
        at = text.find(b"[%s,%s," % (kind, name))
        found = _DIGITS.match(text, at + len(kind) + len(name) + 3) if at >= 0 else None
    else:                                # written otherwise (by hand): the slower pattern
        found = re.search(rb"\[\s*%s\s*,\s*%s\s*,\s*(\d+)\s*," % (re.escape(kind), re.escape(name)), text)
    if found is None:
        return None
    stamped = signing.gen_time(anchor.tsr) if anchor.tsr else None
    return Covering(anchor.id, anchor.created_at, anchor.root, stamped, int(found.group(1)))
