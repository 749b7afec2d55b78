"""Answers, measures and reports → Telegram HTML (every dynamic text escaped), keyboards, and
splitting below 4,096 characters at sentence boundaries without breaking a tag or an entity."""
from __future__ import annotations

import html
import re
from typing import Iterable, Mapping, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from retrieval.models import Answer, Document, IngestReport, Measure, file_name_of
from retrieval.text.units import display_name

MAX_MESSAGE = 4096
SENTENCE_END = frozenset("。！？.!?\n")
BUTTONS_PER_ROW = 3

# Every text the bot sends, in Chinese and English. {placeholders} are filled with escaped values.
TEXTS: dict[str, tuple[str, str]] = {
    "start": ("你好!我是 PolicyBot,回答关于政策文件的问题,并注明出处(章节号和责任单位)。\n"
              "直接发送问题即可;/help 查看示例。",
              "Hello! I am PolicyBot. I answer questions about policy documents and cite my sources "
              "(section ids and responsible units).\nJust send a question; /help shows examples."),
    "help": ("直接发送问题,例如:\n{examples}\n\n"
             "命令:\n/ask 问题 — 提问(群组中使用,或在群组中 @我、回复我的消息)\n"
             "/section {section} — 查看某一条措施\n/units — 责任单位及措施数量\n"
             "/unit {unit} — 某单位负责的措施\n/support — 企业可以获得的支持\n/about — 语料版本和文件\n"
             "/new — 换个话题(追问默认沿用上一次回答的文件)",
             "Just send a question, for example:\n{examples}\n\n"
             "Commands:\n/ask question — ask (in groups; there you can also @mention me or reply to me)\n"
             "/section {section} — one measure in full\n/units — responsible units and their number of measures\n"
             "/unit {unit} — the measures of one unit\n/support — what enterprises can get\n"
             "/about — corpus version and documents\n"
             "/new — change the subject (follow-ups keep the document of the last answer)"),
    "help_admin": ("\n\n管理员:/reload 重新导入语料,/status 运行状态,/report 问答报告;发送文件(.txt .md .html .docx .doc .rtf .pdf .xlsx .xls,扫描件和图片也可)添加文件。",
                   "\n\nAdmins: /reload re-ingests the corpus, /status shows the bot's state, /report the questions "
                   "asked and what went unanswered; send a file "
                   "(.txt .md .html .docx .doc .rtf .pdf .xlsx .xls; scans and images too) to add a document."),
    "ask_usage": ("用法:/ask 问题,例如 /ask {example}", "Usage: /ask question, e.g. /ask {example}"),
    "empty": ("问题是空的,请发送一个问题。", "Your question is empty; please send a question."),
    "too_long": ("问题太长了({n} 字,上限 {limit} 字),请缩短后再问。",
                 "Your question is too long ({n} characters; the limit is {limit}). Please shorten it."),
    "bad_question": ("无法回答这个问题:{reason}", "I cannot take this question: {reason}"),
    "rate_limited": ("您提问太快了,请 {seconds} 秒后再试。",
                     "You are asking faster than I can answer; please try again in {seconds} seconds."),
    "not_text": ("我只能读取文字问题,请用文字发送。", "I can only read text questions; please type your question."),
    "photo_admin": ("照片经 Telegram 压缩后文字难以识别。要添加这份文件,请以“文件”方式发送原图(📎 → 文件)。",
                    "Telegram compresses photos until their small print cannot be read. To add this document, send "
                    "the original image as a file (📎 → File)."),
    "edited": ("我不会重新回答已编辑的消息,请把修改后的问题作为新消息发送。",
               "I do not re-answer edited messages; please send the corrected question as a new message."),
    "unknown_command": ("未知命令 {command}。/help 查看可用命令。", "Unknown command {command}. /help lists the commands."),
    "new": ("好的,下一个问题将在全部文件中查找。", "OK: your next question is looked up in all documents again."),
    "expired": ("此按钮已过期,请重新提问。", "This button has expired; please ask again."),
    "index_down": ("文件索引暂时不可用,请稍后重新发送您的问题。",
                   "The document index is temporarily unavailable. Please send your question again in a minute."),
    "error": ("抱歉,处理您的请求时出错了,请稍后再试。",
              "Sorry, something went wrong while handling your request. Please try again later."),
    "thanks": ("谢谢您的反馈!", "Thanks for the feedback!"),
    "kept_previous": ("原有{n}条措施继续使用", "its previous {n} measures keep serving"),
    "report_off": ("审计日志未启用,没有报告。", "The audit log is off, so there is no report."),
    "not_admin": ("抱歉,此操作仅限管理员。", "Sorry, only administrators can do that."),
    "section_usage": ("用法:/section 章节号,例如 /section {section}", "Usage: /section id, e.g. /section {section}"),
    "section_missing": ("文件中没有章节 {section}。", "There is no section {section} in the documents."),
    "unit_usage": ("用法:/unit 单位名称,例如 /unit 市科技局;/units 列出全部单位。",
                   "Usage: /unit name, e.g. /unit 市科技局; /units lists them all."),
    "unit_missing": ("没有找到责任单位“{unit}”。/units 列出全部单位。",
                     "No responsible unit matches “{unit}”. /units lists them all."),
    "unit_header": ("<b>{unit}</b> 负责 {n} 项措施:", "<b>{unit}</b> is responsible for {n} measures:"),
    "units_header": ("责任单位及其措施数量:", "Responsible units and their number of measures:"),
    "support_header": ("企业可以获得的支持:", "What enterprises can get:"),
    "support_none": ("没有找到相关支持措施。", "No support measures found."),
    "about": ("语料版本 {version}:{documents} 份文件,{measures} 项措施。\n回答方式:{mode}",
              "Corpus version {version}: {documents} documents, {measures} measures.\nAnswers: {mode}"),
    "offline": ("离线(直接引用文件原文)", "offline (quoted from the documents)"),
    "sources": ("出处", "Sources"),
    "responsible": ("责任单位", "Responsible"),
    "no_unit": ("未指定责任单位", "no unit named"),
    "lead": ("牵头单位", "Lead"), "partner": ("配合单位", "Partners"),
    "inferred": ("据正文推断", "inferred from the text"),
    "reloading": ("正在重新导入语料…", "Re-ingesting the corpus…"),
    "ingest_failed": ("导入失败,原有索引继续使用:{reason}", "The ingest failed; the previous index keeps serving: {reason}"),
    "ingest_head": ("索引版本 {version}:{measures} 项措施({embedded} 项重新计算向量,{seconds:.1f} 秒)",
                    "Index version {version}: {measures} measures ({embedded} embedded, {seconds:.1f} s)"),
    "no_changes": ("与上一版本相比没有变化。", "No changes since the last version."),
    "added": ("新增", "added"), "changed": ("修改", "changed"), "removed": ("删除", "removed"),
    "upload_type": ("不支持的文件类型 {name}。支持:{types}", "Unsupported file type {name}. Supported: {types}"),
    "upload_big": ("文件太大({size:.1f} MB,上限 {limit} MB)。语料没有任何改变。",
                   "The file is too large ({size:.1f} MB; the limit is {limit} MB). Nothing was changed."),
    "upload_refused": ("无法使用此文件:{reason}\n语料没有任何改变。", "This file cannot be used: {reason}\nNothing was changed."),
    "preview": ("<b>{title}</b>\n文件 {name}:找到 {n} 项措施({ids}{more})。\n责任单位:{units}\n",
                "<b>{title}</b>\nFile {name}: {n} measures found ({ids}{more}).\nUnits: {units}\n"),
    "compiled": ("这个文件汇编了 {n} 份政策,每份作为一个文件检索和引用:\n\n",
                 "This file compiles {n} policies; each is searched and cited as a document of its own:\n\n"),
    "add_it": ("确认添加吗?", "Add it?"),
    "replaces": ("将替换现有文件 {name}。\n", "This replaces the existing document {name}.\n"),
    "confirm": ("✅ 确认添加", "✅ Add it"), "cancel": ("✖ 取消", "✖ Cancel"),
    "cancelled": ("已取消,语料没有任何改变。", "Cancelled; nothing was changed."),
    "adding": ("正在添加文件并重新导入…", "Adding the document and re-ingesting…"),
    "not_yours": ("此上传不是由您发起的。", "This upload was not started by you."),
    "status": ("运行状态\n语料版本 {version}:{documents} 份文件,{measures} 项措施\n嵌入模型:{embedder}\n回答方式:{mode}\n"
               "接收方式:{transport}\n运行时间:{uptime}\n问题 {questions},限流 {limited},错误 {errors},"
               "反馈 👍{up} 👎{down}\n待确认上传:{pending}\n每用户每分钟限 {rate} 个问题",
               "Status\nCorpus version {version}: {documents} documents, {measures} measures\nEmbedder: {embedder}\n"
               "Answers: {mode}\nUpdates via: {transport}\nUptime: {uptime}\nQuestions {questions}, rate-limited "
               "{limited}, errors {errors}, feedback 👍{up} 👎{down}\nPending uploads: {pending}\n"
               "Limit: {rate} questions per user per minute"),
}
COMMANDS = (  # (command, Chinese description, English description) for setMyCommands
    ("start", "开始使用", "Start"), ("help", "帮助和示例问题", "Help and example questions"),
    ("ask", "提问", "Ask a question"), ("section", "查看某一条措施", "Show a measure by its section id"),
    ("units", "责任单位及措施数量", "Responsible units and their measures"),
    ("unit", "某单位负责的措施", "Measures of one unit"), ("support", "企业可以获得的支持", "What enterprises can get"),
    ("about", "语料版本和文件", "Corpus version and documents"), ("new", "换个话题", "Change the subject"),
)


def t(key: str, lang: str, **values) -> str:
    """A bot text in the language; string values are HTML-escaped, numbers pass through."""
    zh, en = TEXTS[key]
    escaped = {k: html.escape(v) if isinstance(v, str) else v for k, v in values.items()}
    return (zh if lang == "zh" else en).format(**escaped)


def help_html(lang: str, admin: bool, examples) -> str:
    """``examples``: the service's ``Examples`` for this language (questions, a section id, a unit)."""
    text = t("help", lang, examples="\n".join(f"• {q}" for q in examples.questions),
             section=examples.section or "…", unit=examples.unit or "…")
    return text + (t("help_admin", lang) if admin else "")


# -- answers and measures ----------------------------------------------------------------------
def unit_name(unit: str, lang: str, names: Mapping[str, str]) -> str:
    return display_name(unit, lang, names)


def bold_units(text: str, units: Iterable[str], lang: str, names: Mapping[str, str]) -> str:
    """Escape the text and put every mention of a unit (official or English name) in <b>."""
    forms = {form for u in units for form in (u, unit_name(u, lang, names)) if form}
    if not forms:
        return html.escape(text)
    pattern = re.compile("|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)))
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(html.escape(text[last:match.start()]))
        out.append(f"<b>{html.escape(match.group())}</b>")
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def units_html(units: Sequence[str], lang: str, names: Mapping[str, str]) -> str:
    if not units:
        return t("no_unit", lang)
    sep = "、" if lang == "zh" else "; "
    return sep.join(f"<b>{html.escape(unit_name(u, lang, names))}</b>" for u in units)


def answer_html(answer: Answer, titles: Mapping[str, str], names: Mapping[str, str]) -> str:
    """The answer with its units in bold, then the cited section ids per document."""
    lang = answer.language
    units = set(answer.units) | {u for c in answer.citations for u in c.units}
    parts = [bold_units(answer.text, units, lang, names)]
    if answer.units and not any(u in answer.text for u in answer.units):
        parts.append(f"{t('responsible', lang)}: {units_html(answer.units, lang, names)}")
    if answer.citations:
        by_doc: dict[str, list[str]] = {}
        for c in answer.citations:
            by_doc.setdefault(c.document, []).append(c.section)
        cited = "; ".join(f"<i>《{html.escape(titles.get(doc, doc))}》</i> "
                          + ("、" if lang == "zh" else ", ").join(html.escape(s) for s in dict.fromkeys(sections))
                          for doc, sections in by_doc.items())
        parts.append(f"📎 {t('sources', lang)}: {cited}")
    return "\n\n".join(parts)


def measure_html(m: Measure, lang: str, names: Mapping[str, str]) -> str:
    """One measure in full: section, document, headings, its text and its units."""
    lines = [f"<b>{html.escape(m.section)}</b> <i>《{html.escape(m.title)}》</i>"]
    lines += [html.escape(h) for h in (m.chapter, m.subsection) if h]
    if not (m.subsection and m.text in m.subsection):  # a statement heading has just been shown whole
        lines.append(html.escape(m.text))
    if m.lead_units:  # the document tells lead and partner units apart: so does the bot
        lines.append(f"{t('lead', lang)}: {units_html(m.lead_units, lang, names)}")
        others = [u for u in m.units if u not in m.lead_units and u not in m.support_units]
        if others:
            lines.append(f"{t('responsible', lang)}: {units_html(others, lang, names)}")
        if m.support_units:
            lines.append(f"{t('partner', lang)}: {units_html(m.support_units, lang, names)}")
    else:
        inferred = f" ({t('inferred', lang)})" if m.units_inferred and m.units else ""
        lines.append(f"{t('responsible', lang)}: {units_html(m.units, lang, names)}{inferred}")
    return "\n".join(lines)


def measure_line(m: Measure) -> str:
    """Section and the start of the measure's own text (items of one subsection share its heading)."""
    return f"• <b>{html.escape(m.section)}</b> {html.escape(_clip(m.text or m.heading, 70))}"


def units_list_html(units: Sequence[tuple[str, int]], lang: str, names: Mapping[str, str]) -> str:
    lines = [t("units_header", lang)]
    lines += [f"• <b>{html.escape(unit_name(u, lang, names))}</b> — {n}" for u, n in units]
    return "\n".join(lines)


def unit_measures_html(unit: str, measures: Sequence[Measure], lang: str, names: Mapping[str, str]) -> str:
    lines = [t("unit_header", lang, unit=unit_name(unit, lang, names), n=len(measures))]
    lines += [measure_line(m) for m in measures]
    return "\n".join(lines)


def support_html(items, lang: str, names: Mapping[str, str]) -> str:
    if not items:
        return t("support_none", lang)
    lines = [t("support_header", lang)]
    for item in items:
        m = item.measure
        figures = f" [{html.escape(', '.join(item.figures))}]" if item.figures else ""
        lines.append(f"• <b>{html.escape(m.section)}</b> {html.escape(' / '.join(item.labels(lang)))}{figures}")
        lines.append(f"  {html.escape(_clip(m.text or m.heading, 80))}")
        lines.append(f"  {units_html(m.units, lang, names)}")
    return "\n".join(lines)


def about_html(about, lang: str) -> str:
    mode = html.escape(about.llm) if about.llm else t("offline", lang)
    lines = [TEXTS["about"][lang != "zh"].format(version=about.version, documents=len(about.documents),
                                                 measures=about.measures, mode=mode)]
    lines += [f"• <i>《{html.escape(title)}》</i> ({html.escape(name)}) — {n}" for name, title, n in about.documents]
    return "\n".join(lines)


def ingest_html(report: IngestReport, lang: str) -> str:
    """The ingest diff: per document, the added / changed / removed section ids."""
    lines = [t("ingest_head", lang, version=report.version, measures=report.measures,
               embedded=report.embedded, seconds=report.seconds)]
    for d in report.documents:
        if d.error:
            kept = f" ({t('kept_previous', lang, n=d.measures)})" if d.kept_previous else ""
            lines.append(f"✗ {html.escape(d.document)}: {html.escape(d.error)}{kept}")
            continue
        lines.append(f"✓ <b>{html.escape(d.document)}</b>: {d.measures}")
        for key, ids in d.changes:
            shown = ", ".join(ids[:20]) + (f", … +{len(ids) - 20}" if len(ids) > 20 else "")
            lines.append(f"  {t(key, lang)} ({len(ids)}): {html.escape(shown)}")
        lines += [f"  ⚠ {html.escape(w)}" for w in d.warnings]
    if not report.changed_anything:
        lines.append(t("no_changes", lang))
    return "\n".join(lines)


def preview_html(docs: Sequence[Document], filename: str, lang: str, names: Mapping[str, str],
                 replaces: bool) -> str:
    """What an upload would add: per document (a 政策汇编 holds several) its title, measures and units."""
    parts = [t("compiled", lang, n=len(docs))] if len(docs) > 1 else []
    for doc in docs:
        counts: dict[str, int] = {}
        for m in doc.measures:
            for u in m.units:
                counts[u] = counts.get(u, 0) + 1
        units = ", ".join(f"{unit_name(u, lang, names)} ({n})"
                          for u, n in sorted(counts.items(), key=lambda kv: -kv[1]))
        ids = [m.section for m in doc.measures]
        parts.append(t("preview", lang, title=doc.title or doc.name, name=filename, n=len(ids),
                       ids=", ".join(ids[:8]), more=", …" if len(ids) > 8 else "",
                       units=_clip(units, 600) or t("no_unit", lang))
                     + "".join(f"⚠ {html.escape(w)}\n" for w in doc.warnings))
    replace = t("replaces", lang, name=file_name_of(docs[0].name)) if replaces else ""
    return "\n".join(parts) + replace + t("add_it", lang)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- keyboards and callback data (at most 64 bytes; kept ASCII) ----------------------------------
def source_data(version: int, index: int, lang: str) -> str:
    return f"src|{version}|{index}|{lang}"


def feedback_data(record: int | None, value: int, lang: str) -> str:
    return f"fb|{record or 0}|{value}|{lang}"


def upload_data(token: str, confirm: bool) -> str:
    return f"up|{token}|{'y' if confirm else 'n'}"


def answer_keyboard(sources: Sequence[tuple[str, str]], record: int | None, lang: str) -> InlineKeyboardMarkup:
    """One button per cited measure (label, callback data), then 👍 / 👎."""
    buttons = [InlineKeyboardButton(f"📄 {label}", callback_data=data) for label, data in sources]
    rows = [buttons[i:i + BUTTONS_PER_ROW] for i in range(0, len(buttons), BUTTONS_PER_ROW)]
    rows.append([InlineKeyboardButton("👍", callback_data=feedback_data(record, 1, lang)),
                 InlineKeyboardButton("👎", callback_data=feedback_data(record, -1, lang))])
    return InlineKeyboardMarkup(rows)


def upload_keyboard(token: str, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t("confirm", lang), callback_data=upload_data(token, True)),
                                  InlineKeyboardButton(t("cancel", lang), callback_data=upload_data(token, False))]])


# -- splitting ---------------------------------------------------------------------------------
_TOKEN_RE = re.compile(r"<[^>]*>|&#?\w+;|[^<&]|[<&]", re.S)
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][\w-]*)")


def tg_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def split_html(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Parts of at most ``limit`` characters, cut after a sentence end (。！？.!?newline) where possible,
    else after a space, else anywhere between tokens; tags open at a cut are closed and reopened."""
    if tg_len(text) <= limit:
        return [text] if text.strip() else []
    tokens = _TOKEN_RE.findall(text)
    stacks = _open_tags(tokens)  # stacks[i]: tags open before token i
    parts: list[str] = []
    start = 0
    while start < len(tokens):
        while start < len(tokens) and tokens[start].isspace():
            start += 1
        if start == len(tokens):
            break
        end = _cut(tokens, stacks, start, limit)
        opener = "".join(stacks[start])
        closer = "".join(_closing(stacks[end]))
        part = opener + "".join(tokens[start:end]) + closer
        if tg_len(part) > limit:  # absurdly deep tags leave no room: send this bit unformatted
            part = re.sub(r"<[^>]*>", "", part)
        if _visible(part):
            parts.append(part)
        start = end
    return parts


def _cut(tokens: list[str], stacks: list[tuple[str, ...]], start: int, limit: int) -> int:
    """The end (exclusive) of the part that starts at ``start``."""
    size = tg_len("".join(stacks[start]))
    sentence = space = None
    end = start
    while end < len(tokens):
        size += tg_len(tokens[end])
        if size + tg_len("".join(_closing(stacks[end + 1]))) > limit:
            break
        end += 1
        if tokens[end - 1] in SENTENCE_END:
            sentence = end
        elif tokens[end - 1].isspace():
            space = end
    else:
        return end
    return sentence or space or max(end, start + 1)


def _open_tags(tokens: list[str]) -> list[tuple[str, ...]]:
    stacks = [()]
    stack: list[str] = []
    for tok in tokens:
        match = _TAG_RE.match(tok) if tok.startswith("<") else None
        if match and match.group(1):
            name = match.group(2).lower()
            for i in range(len(stack) - 1, -1, -1):
                if _TAG_RE.match(stack[i]).group(2).lower() == name:
                    del stack[i:]
                    break
        elif match:
            stack.append(tok)
        stacks.append(tuple(stack))
    return stacks


def _closing(stack: tuple[str, ...]) -> list[str]:
    return [f"</{_TAG_RE.match(tag).group(2)}>" for tag in reversed(stack)]


def _visible(part: str) -> bool:
    return bool(re.sub(r"<[^>]*>", "", part).strip())
