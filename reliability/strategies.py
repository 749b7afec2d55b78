"""Hypothesis strategies for Telegram updates as the Bot API could deliver them: any text (control
characters, emoji, right-to-left marks, thousands of characters), random entities, commands with and
without the bot's name, stickers, photos, voice, documents, edited messages, channel posts, callback
queries with any data, inline queries, every chat type, and optional fields left out.

Updates stay within what Telegram sends (``from`` is present outside channels, file ids resolve),
so a failure is the bot's, not an impossible input's.
"""
from __future__ import annotations

import itertools

from hypothesis import strategies as st
from telegram.constants import MessageEntityType

from tests.fake_bot_api import BOT_ID, BOT_USERNAME, FakeBotAPI

from .harness import ADMIN, QUESTIONS, USER

_ids = itertools.count(10**6)
CHARS = st.characters(blacklist_categories=("Cs",))  # JSON from Telegram never carries lone surrogates
COMMANDS = ["start", "help", "ask", "section", "units", "unit", "support", "about", "reload", "status", "frobnicate"]
USERS = st.one_of(st.sampled_from([ADMIN, USER, 7, 8]), st.integers(1, 2**40))
LANGUAGES = st.one_of(st.none(), st.sampled_from(["en", "zh", "zh-hans", "zh-TW", "ru", ""]), st.text(max_size=6))

TEXTS = st.one_of(
    st.text(CHARS, max_size=120),
    st.text(CHARS, min_size=990, max_size=1010),  # about the question length limit
    st.text(CHARS, min_size=4000, max_size=4200),  # about Telegram's message limit
    st.sampled_from([q for q, _ in QUESTIONS]),
    st.builds(lambda q, noise: q + noise, st.sampled_from([q for q, _ in QUESTIONS]),
              st.text(st.sampled_from("\x00\x07\u200b\u202e\ufeff\r\n\t<>&\"'😀🇨🇳/@#"), max_size=12)),
    st.builds(lambda c, at, args: f"/{c}{at} {args}", st.sampled_from(COMMANDS),
              st.sampled_from(["", f"@{BOT_USERNAME}", "@other_bot", f"@{BOT_USERNAME.upper()}"]),
              st.one_of(st.text(CHARS, max_size=40), st.sampled_from(["三(四)", "市科技局", "<b>x</b>", "九(九)"]))),
    st.builds(lambda q: f"@{BOT_USERNAME} {q}", st.sampled_from([q for q, _ in QUESTIONS])),
)
ENTITIES = st.lists(st.fixed_dictionaries(
    {"type": st.one_of(st.sampled_from([e.value for e in MessageEntityType]), st.text(max_size=8)),
     "offset": st.integers(0, 200), "length": st.integers(0, 200)},
    optional={"url": st.text(max_size=20), "language": st.text(max_size=5)}), max_size=4)


def user(uid: int, language: str | None, username: bool) -> dict:
    data = {"id": uid, "is_bot": False, "first_name": "U"}
    if language is not None:
        data["language_code"] = language
    if username:
        data["username"] = f"user{uid}"
    return data


@st.composite
def messages(draw, api: FakeBotAPI) -> dict:
    """A message update (possibly edited) in a private chat or a group, with text or other content."""
    uid, chat_type = draw(USERS), draw(st.sampled_from(["private", "private", "group", "supergroup"]))
    chat = {"id": uid if chat_type == "private" else -draw(st.integers(1, 10**12)), "type": chat_type}
    if chat_type != "private" and draw(st.booleans()):
        chat["title"] = draw(st.text(max_size=20))
    message = {"message_id": next(_ids), "date": 1_700_000_000, "chat": chat,
               "from": user(uid, draw(LANGUAGES), draw(st.booleans()))}
    content = draw(st.sampled_from(["text", "text", "text", "sticker", "photo", "voice", "document", "none"]))
    message.update(draw(_content(content, api)))
    if "text" in message and draw(st.booleans()):
        message["entities"] = draw(ENTITIES)
    if draw(st.integers(0, 4)) == 0:
        message["reply_to_message"] = {"message_id": next(_ids), "date": 1_700_000_000, "chat": chat,
                                       "from": {"id": BOT_ID, "is_bot": True, "first_name": "PolicyBot",
                                                "username": BOT_USERNAME}, "text": draw(st.text(max_size=20))}
    edited = draw(st.integers(0, 5)) == 0
    if edited:
        message["edit_date"] = 1_700_000_100
    return {"update_id": next(_ids), ("edited_message" if edited else "message"): message}


def _content(kind: str, api: FakeBotAPI):
    if kind == "text":
        return TEXTS.map(lambda text: {"text": text} | _entities(api, text))
    if kind == "sticker":
        return st.just({"sticker": {"file_id": "s", "file_unique_id": "s", "type": "regular", "width": 1,
                                    "height": 1, "is_animated": False, "is_video": False}})
    if kind == "photo":
        return st.builds(lambda caption: {"photo": [{"file_id": "p", "file_unique_id": "p", "width": 1,
                                                     "height": 1}]} | ({"caption": caption} if caption else {}),
                         st.one_of(st.none(), st.text(max_size=30)))
    if kind == "voice":
        return st.just({"voice": {"file_id": "v", "file_unique_id": "v", "duration": 1}})
    if kind == "document":
        return st.builds(lambda data, name, size: {"document": _document(api, data, name, size)},
                         st.one_of(st.binary(max_size=300), st.text(CHARS, max_size=300).map(str.encode)),
                         st.one_of(st.none(), st.text(max_size=30),
                                   st.sampled_from(["plan.txt", "x.pdf", "../../a.md", "a.docx", "b.exe"])),
                         st.one_of(st.none(), st.integers(0, 50 * 1024 * 1024)))
    return st.just({})  # a message with nothing the bot reads (a service message)


def _entities(api: FakeBotAPI, text: str) -> dict:
    """The entities a Telegram client attaches (a leading /command, @mentions)."""
    entities = api.message(text)["message"].get("entities")
    return {"entities": entities} if entities else {}


def _document(api: FakeBotAPI, data: bytes, name: str | None, size: int | None) -> dict:
    file_id = f"d{next(_ids)}"
    document = api.add_file(file_id, data, "upload.bin")  # Telegram's file path, not the sender's name
    document.pop("file_name")
    if name is not None:
        document["file_name"] = name
    if size is None:
        document.pop("file_size")
    else:
        document["file_size"] = size
    return document


@st.composite
def callbacks(draw, api: FakeBotAPI) -> dict:
    """A button press with any data, on a message of the bot's or on an inline message."""
    uid = draw(USERS)
    query = {"id": str(next(_ids)), "from": user(uid, draw(LANGUAGES), draw(st.booleans())), "chat_instance": "1"}
    data = draw(st.one_of(st.none(), st.text(max_size=64),
                          st.from_regex(r"(src|fb|up)\|[0-9a-zA-Z|_-]{0,20}", fullmatch=True)))
    if data is not None:
        query["data"] = data
    else:
        query["game_short_name"] = "game"
    if draw(st.integers(0, 4)) == 0:
        query["inline_message_id"] = "inline"
    else:
        chat_type = draw(st.sampled_from(["private", "group", "supergroup"]))
        query["message"] = {"message_id": next(_ids), "date": 1_700_000_000, "text": "old",
                            "chat": {"id": uid if chat_type == "private" else -5, "type": chat_type},
                            "from": {"id": BOT_ID, "is_bot": True, "first_name": "PolicyBot"}}
    return {"update_id": next(_ids), "callback_query": query}


@st.composite
def others(draw) -> dict:
    """Channel posts and update kinds the bot has no handler for."""
    kind = draw(st.sampled_from(["channel_post", "edited_channel_post", "inline_query"]))
    if kind == "inline_query":
        return {"update_id": next(_ids), "inline_query": {"id": "1", "from": user(draw(USERS), None, False),
                                                          "query": draw(st.text(max_size=50)), "offset": ""}}
    post = {"message_id": next(_ids), "date": 1_700_000_000, "chat": {"id": -100, "type": "channel", "title": "C"},
            "text": draw(TEXTS)}
    if kind == "edited_channel_post":
        post["edit_date"] = 1_700_000_100
    return {"update_id": next(_ids), kind: post}


def updates(api: FakeBotAPI):
    return st.one_of(messages(api), messages(api), callbacks(api), others())


# Button data a forger might send: anything, the upload-button shape with made-up tokens, other prefixes.
CALLBACK_DATA = st.one_of(st.text(max_size=80), st.from_regex(r"up\|[\w-]{0,24}\|[yn]?", fullmatch=True),
                          st.builds(lambda p, s: f"{p}|{s}", st.sampled_from(["up", "src", "fb"]),
                                    st.text(max_size=30)))
# Upload file names assembled from path tricks: traversal, both separators, NUL, lookalike slashes, encodings.
NAME_PARTS = st.lists(st.one_of(st.sampled_from(["..", ".", "/", "\\", "\x00", "~", "／", "%2f", "etc", "passwd",
                                                 "语料", " ", "\n", ":"]), st.text(max_size=8)), max_size=10)
UPLOAD_NAMES = st.builds(lambda parts, suffix: "".join(parts) + suffix, NAME_PARTS,
                         st.sampled_from([".txt", ".md", ".html", ".docx", ".pdf", ".exe", ""]))
