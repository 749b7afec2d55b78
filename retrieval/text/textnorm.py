"""Language detection and tokenisation for Chinese (jieba) and English (Snowball stems)."""
from __future__ import annotations

import re
import sys
import threading
from functools import lru_cache

HAN_RE = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD_RE = re.compile(r"[A-Za-z][A-Za-z\-']*")
HAN_RUN_RE = re.compile(r"[\u4e00-\u9fff]+")

# Function words and question words: they say what kind of answer is wanted, not what it is about.
EN_STOPWORDS = frozenset("""
a about above after again all also am an and any are as at be been being both but by can could
did do does doing done during each few for from further get gets got had has have having he her here
hers him his how i if in into is it its itself just let many me more most much my no nor not now of
off on once only or other our ours out over own per same she should so some such than that the their
theirs them then there these they this those through to too under until up us very was we were what
when where which while who whom whose why will with would you your yours
city municipal municipality government plan document section measure tell please give
responsible responsibility charge handles handle handled handling unit units bureau bureaus department
departments office offices agency agencies body bodies organ organs organisation organization
organisations organizations commission committee
""".split())

# Chinese particles and question words; single characters are mostly noise for BM25.
ZH_STOPWORDS = frozenset("""
的 了 和 与 及 或 是 在 对 为 由 把 被 将 等 各 有 哪 哪些 哪个 什么 谁 多少 怎么 怎样 如何 吗 呢 吧 啊
负责 部门 单位 责任 责任单位 哪家 哪一个 是否 可以 能 会 要 需要 给予 进行 开展 做好 工作 有关 相关 方面
我市 本市 本区 市 请问 关于 一下 一个 这个 那个 什么样 有没有 怎么样 多大 几 几个
""".split())

_jieba_lock = threading.Lock()
_jieba_ready = False
# Words taught before jieba is loaded wait here: loading its dictionary costs about half a second,
# and an English question, or a process that only lists measures, never needs it.
_pending_words: set[str] = set()
_words_taught: list[str] = []  # in order, to teach again after switching to the full dictionary
_lazy = False  # jieba reads its dictionary word by word from disk (retrieval.text.jiebadict)


def detect_language(text: str) -> str:
    """"zh" if the text has more Chinese words than Latin ones, else "en".

    A Chinese word is about two characters: "What is 市科技局 responsible for?" is English with a
    Chinese name in it, "R&D费用加计扣除比例是多少" Chinese with an English one.
    """
    han = len(HAN_RE.findall(text))
    latin = len(LATIN_WORD_RE.findall(text))
    if han == 0 and latin == 0:
        return "zh"
    return "zh" if han >= 2 * latin else "en"


def _import_jieba():
    """jieba without pkg_resources: jieba only uses it to open its own data files, and falls back to
    plain open() without it; importing it costs a third of a second and a deprecation warning."""
    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        import jieba
        return jieba
    sys.modules["pkg_resources"] = None  # makes `import pkg_resources` raise ImportError, inside jieba only
    try:
        import jieba
    finally:
        del sys.modules["pkg_resources"]
    return jieba


def _jieba(full: bool = False):
    """jieba with the user words taught so far; ``full``: with its whole dictionary in memory."""
    global _jieba_ready, _lazy
    jieba = _import_jieba()
    if not _jieba_ready or _pending_words or full:
        from retrieval.text import jiebadict

        with _jieba_lock:
            if full and _lazy:  # from word-by-word lookups to the whole dictionary, with the same words
                fresh = jieba.Tokenizer()
                fresh.initialize()
                for word in _words_taught:
                    fresh.add_word(word, freq=20000)
                # Swapped in whole: a question segmented meanwhile (a bot thread) sees one or the other,
                # and both give the same segmentation (same entries, same total).
                jieba.dt.FREQ, jieba.dt.total = fresh.FREQ, fresh.total
                _lazy = False
            if not _jieba_ready:
                jieba.setLogLevel(60)  # its start-up chatter goes to stderr otherwise
                _lazy = not full and jiebadict.install_lazy(jieba)
                if not _lazy:
                    jieba.initialize()
                    jiebadict.save(jieba)
                _jieba_ready = True
            elif full and not _lazy:  # loaded before a cache folder was known: save a clean copy now
                jiebadict.save(jieba, pristine=False)
            while _pending_words:
                word = _pending_words.pop()
                jieba.add_word(word, freq=20000)
                _words_taught.append(word)
    return jieba


def use_full_dictionary() -> None:
    """Before segmenting a whole corpus: word-by-word dictionary lookups only pay for one question."""
    _jieba(full=True)


def add_words(words) -> None:
    """Teach the segmenter whole names (units, programmes) so they stay one token.

    Taken in before the first segmentation, so loading jieba waits until a text needs it.
    """
    with _jieba_lock:
        _pending_words.update(w for w in words if w and len(w) >= 2)
    if _jieba_ready:
        _jieba()
    zh_tokens.cache_clear()


def segment(text: str) -> list[str]:
    """jieba's plain (not search-mode) cut: the words as written, in order."""
    return _jieba().lcut(text) if text else []


def in_dictionary(word: str) -> bool:
    """Whether jieba's dictionary (or a word taught to it) has the word: tokens it does not have were
    put together by its HMM from unknown characters ("要罚", "被查")."""
    return bool(_jieba().dt.FREQ.get(word))


@lru_cache(maxsize=8192)
def zh_tokens(text: str) -> tuple[str, ...]:
    """Search-style segmentation: long words and their parts, so 临床医学 also matches 医学."""
    out = []
    runs = HAN_RUN_RE.findall(text)
    jieba = _jieba() if runs else None  # no Han text, no need to load the dictionary
    for run in runs:
        for token in jieba.cut_for_search(run):
            if token not in ZH_STOPWORDS and (len(token) >= 2):
                out.append(token)
    out.extend(re.findall(r"\d+(?:\.\d+)?%?", text))
    return tuple(out)


_stemmer_local = threading.local()


def _stem(word: str) -> str:
    stemmer = getattr(_stemmer_local, "stemmer", None)
    if stemmer is None:
        import snowballstemmer

        stemmer = _stemmer_local.stemmer = snowballstemmer.stemmer("english")
    return stemmer.stemWord(word)


_BRITISH = [(re.compile(r"(?<=[a-z])tre$"), "ter"), (re.compile(r"(?<=[a-z])tres$"), "ters"),
            (re.compile(r"(?<=[a-z]{2})is(e|es|ed|ing|ation|ations)$"), r"iz\1"),
            (re.compile(r"(?<=[a-z]{2})our(s?)$"), r"or\1"), (re.compile(r"(?<=[a-z])ll(ing|ed)$"), r"l\1")]


def american(word: str) -> str:
    for pattern, repl in _BRITISH:
        word = pattern.sub(repl, word)
    return word


@lru_cache(maxsize=65536)
def en_stem(word: str) -> str:
    return _stem(american(word.lower().strip("-'")))


# "what's", "I'm", "doesn't": the word without its clitic, so that a stopword stays one ("what's" was a
# content word, bridged to 怎么办) and a possessive is its noun.
_CLITIC_RE = re.compile(r"(?:'s|'re|'ve|'ll|'d|'m|n't)$")
_NEGATED_FORMS = {"can't": "can", "won't": "will", "shan't": "shall"}


def en_words(text: str, *, keep_stopwords: bool = False) -> list[str]:
    words = [w.lower().strip("-'") for w in LATIN_WORD_RE.findall(text.replace("\u2019", "'"))]
    words = [_NEGATED_FORMS.get(w) or _CLITIC_RE.sub("", w) for w in words]
    words = [p for w in words for p in w.split("-") if p]
    return [w for w in words if keep_stopwords or (w not in EN_STOPWORDS and len(w) > 1)]


def en_tokens(text: str) -> tuple[str, ...]:
    return tuple(en_stem(w) for w in en_words(text)) + tuple(re.findall(r"\d+(?:\.\d+)?%?", text))


def han_bigrams(text: str) -> tuple[str, ...]:
    """Overlapping character pairs of the Han runs: robust to segmentation the word index misses."""
    return tuple(run[i:i + 2] for run in HAN_RUN_RE.findall(text) for i in range(len(run) - 1))


SENTENCE_RE = re.compile(r"[^。；;！？!?\n]+[。；;！？!?]?")


def sentences(text: str) -> list[str]:
    """A text's sentences and list items (。；！？ and line ends close one), stripped."""
    return [s.strip() for s in SENTENCE_RE.findall(text) if s.strip()]
