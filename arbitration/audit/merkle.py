"""The Merkle root over every chain's head (pure): one leaf per chain, SHA-256 of "type\\x1fid\\x1fseq\\x1fhash",
leaves in (type, id) order, each level pairing neighbours (an odd last node goes up as it is). The root is what
the time stamping authority stamps; the leaves are kept with it, so a later rewrite of any chain up to its anchored
head shows, even by someone holding the audit key."""
from __future__ import annotations

import hashlib
from collections.abc import Iterable


def leaf(subject_type: str, subject_id: str, seq: int, head: str) -> bytes:
    return hashlib.sha256(f"{subject_type}\x1f{subject_id}\x1f{seq}\x1f{head}".encode("utf-8")).digest()


def root(leaves: Iterable[bytes]) -> bytes:
    level = list(leaves)
    if not level:
        return hashlib.sha256(b"").digest()
    while len(level) > 1:
        nxt = [hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]
