"""Chinese text for the search index: segmentation (jieba), query words, and highlighting. Pure: no web framework,
no database.

Documents are cut in jieba's search mode (every long word and the dictionary words inside it, so 订单号 is found
by 订单 too); queries are cut in its precise mode. The index stores the words joined by spaces: PostgreSQL's
`simple` configuration and SQLite FTS5's default tokenizer then split on those spaces only (a run of Chinese
characters is one token to both), so the database never has to know Chinese.
"""
from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass

import jieba

# Words of this trade jieba's dictionary cuts apart (卡密 = a card's code and password, 代充 = top-up by proxy...):
# kept whole so a search for them does not find every 卡 and every 密.
TRADE_WORDS = ("卡密", "代充", "点卡", "充值卡", "兑换码", "激活码", "游戏币", "话费", "直充", "卡盟", "未到账",
               "已使用", "被使用", "封号", "风控", "秒到", "未发货", "已发货", "未收到")
# Words too common to narrow a search: dropped from a query that has other words (never from documents).
STOP_WORDS = frozenset("的 了 我 你 他 她 是 在 和 也 就 都 而 及 与 着 或 吗 呢 吧 啊 呀 哦 这 那 有 个 请 把 被 给 让"
                       .split())
MAX_QUERY_WORDS = 8
MAX_QUERY_CHARS = 100

_ready = threading.Lock()
_loaded = False


def _tokenizer():
    global _loaded
    if not _loaded:
        with _ready:
            if not _loaded:
                jieba.setLogLevel(60)      # its start-up chatter is not ours to log
                for word in TRADE_WORDS:
                    jieba.add_word(word, freq=20000)
                jieba.initialize()
                _loaded = True
    return jieba


def _is_word(token: str) -> bool:
    return any(unicodedata.category(ch)[0] in "LN" for ch in token)


def _normal(text: str) -> str:
    # full-width letters and digits (ＫＭ１２３) as their ASCII forms, and case folded: what people type varies
    return unicodedata.normalize("NFKC", text or "").lower()


def index_words(text: str) -> str:
    """The words of a document for the index, joined by spaces (search mode: long words and the words in them)."""
    words = [t.strip() for t in _tokenizer().cut_for_search(_normal(text))]
    return " ".join(w for w in words if w and _is_word(w))


def query_words(query: str) -> list[str]:
    """The words of what someone typed (precise mode), distinct, in order; stop words dropped unless that would
    leave nothing."""
    text = _normal(query)[:MAX_QUERY_CHARS]
    words: list[str] = []
    for token in _tokenizer().cut(text):
        token = token.strip()
        if token and _is_word(token) and token not in words:
            words.append(token)
    kept = [w for w in words if w not in STOP_WORDS]
    return (kept or words)[:MAX_QUERY_WORDS]


@dataclass(frozen=True)
class Piece:
    text: str
    hit: bool


def highlight(text: str, words: list[str], *, around: int = 40, limit: int = 160) -> list[Piece]:
    """An excerpt of `text` around its first match, cut into pieces that are or are not one of `words` (matched
    ignoring case and full/half width), for a template to mark. No match: the text's start."""
    text = " ".join((text or "").split())
    folded = _normal(text)
    if len(folded) != len(text):      # NFKC changed the length (rare ligatures): match on the text as it is
        folded = text.lower()
    wanted = sorted({_normal(w) for w in words if w}, key=len, reverse=True)
    if not wanted:
        return [Piece(text[:limit], False)] if text else []
    pattern = re.compile("|".join(re.escape(w) for w in wanted))
    first = pattern.search(folded)
    start = max(0, first.start() - around) if first else 0
    end = min(len(text), start + limit)
    pieces: list[Piece] = []
    if start > 0:
        pieces.append(Piece("…", False))
    at = start
    for m in pattern.finditer(folded, start, end):
        if m.start() > at:
            pieces.append(Piece(text[at:m.start()], False))
        pieces.append(Piece(text[m.start():m.end()], True))
        at = m.end()
    if at < end:
        pieces.append(Piece(text[at:end], False))
    if end < len(text):
        pieces.append(Piece("…", False))
    return pieces
