"""The corpus folder → parsed documents, and a report line for every file that yields nothing."""
from __future__ import annotations

import dataclasses
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from retrieval.ingest.compilation import split_policies
from retrieval.ingest.loaders import SUPPORTED_SUFFIXES, DocumentError, load_file, load_upload
from retrieval.ingest.metadata import MetaError, is_sidecar, read_sidecar, sidecar_path, with_meta
from retrieval.ingest.parsing import NoMeasuresError, parse_text
from retrieval.models import PART_MARK, Document, DocumentReport, part_name

log = logging.getLogger(__name__)
MAX_STEM_BYTES = 200
SHARED_META = ("issuer", "place")  # sidecar fields that hold for every policy a compilation holds


@dataclass(frozen=True)
class CorpusScan:
    documents: tuple[Document, ...]
    failures: tuple[DocumentReport, ...]


def document_name(path: Path) -> str:
    # "#" names the policies of a compilation (part_name): a file's own "#" must not read as one.
    return path.stem.replace(PART_MARK, "_")


def parse_file(path: Path) -> Document:
    """A file holding one document → that document (a compilation → its first policy; see parse_documents)."""
    return parse_documents(path)[0]


def parse_documents(path: Path) -> tuple[Document, ...]:
    """One file → its documents, with the sidecar's metadata (``NAME.meta.yaml``) over what was found;
    DocumentError names the file and the cause. A 政策汇编 gives one document per policy it compiles."""
    try:
        loaded = load_file(path)
        documents = _parse_loaded(loaded.text, loaded.meta, document_name(path), str(path))
    except NoMeasuresError as exc:
        raise DocumentError(f"{path.name}: {exc}") from exc
    sidecar = sidecar_path(path)
    if sidecar is None:
        return documents
    try:
        meta = read_sidecar(sidecar)
    except MetaError as exc:
        # The document itself is fine: index it with what was found, and tell the admin.
        return tuple(dataclasses.replace(d, warnings=d.warnings + (f"{exc}; metadata file ignored",))
                     for d in documents)
    if len(documents) > 1:  # each policy has its own title and 文号: only what they share is set
        meta = {k: v for k, v in meta.items() if k in SHARED_META}
    return tuple(with_meta(d, meta) for d in documents)


def parse_upload(data: bytes, filename: str) -> tuple[Document, ...]:
    """An uploaded file (not yet in the corpus) → its documents, for preview."""
    try:
        loaded = load_upload(data, filename)
        return _parse_loaded(loaded.text, loaded.meta, document_name(Path(filename)), filename)
    except NoMeasuresError as exc:
        raise DocumentError(f"{filename}: {exc}") from exc


def _parse_loaded(text: str, page_meta: dict[str, str], name: str, source: str) -> tuple[Document, ...]:
    policies = split_policies(text)
    if len(policies) == 1:
        return (parse_text(text, name, source=source, page_meta=page_meta),)
    # The page's title and date are the compilation's; each policy's own are in its text.
    shared = {k: v for k, v in page_meta.items() if k not in ("title", "date", "file_title")}
    documents, empty = [], []
    for part, policy in enumerate(policies, start=1):
        try:
            documents.append(parse_text(policy, part_name(name, part), source=source, page_meta=shared))
        except NoMeasuresError:
            empty.append(f"{part} ({policy.splitlines()[0][:40]})")
    if not documents:
        raise NoMeasuresError("none of the policies this page compiles has numbered measures")
    if empty:  # said in the ingest report, beside the policies that were read
        log.warning("%s: compiled policies without measures: %s", source, ", ".join(empty))
        documents[0] = dataclasses.replace(documents[0], warnings=documents[0].warnings + (
            f"compiled policies without measures, not indexed: {', '.join(empty)}",))
    return tuple(documents)


def safe_filename(filename: str) -> str:
    """A user-supplied file name reduced to a plain name inside the corpus folder."""
    name = Path(filename.replace("\\", "/")).name
    name = re.sub(r"[^\w.\-\u4e00-\u9fff]+", "_", name).lstrip(".")
    stem, suffix = Path(name).stem, Path(name).suffix
    # File systems cap a name at 255 bytes; a Chinese character takes three.
    while len(stem.encode("utf-8")) > MAX_STEM_BYTES:
        stem = stem[:-1]
    name = stem + suffix if stem else ""
    if not name or Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
        raise DocumentError(f"{filename!r}: unsupported file name; use one of {', '.join(SUPPORTED_SUFFIXES)}")
    return name


def _has_document(sidecar: Path) -> bool:
    stem = sidecar.name.split(".meta.")[0]
    return any(sidecar.with_name(stem + suffix).is_file() for suffix in SUPPORTED_SUFFIXES)


def scan_corpus(folder: Path) -> CorpusScan:
    if not folder.is_dir():
        raise DocumentError(f"the corpus folder {folder} does not exist")
    documents: list[Document] = []
    failures: list[DocumentReport] = []
    seen_names: set[str] = set()
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        if is_sidecar(path):
            if not _has_document(path):
                failures.append(DocumentReport(path.name, str(path), error=(
                    f"{path.name}: no document beside it to describe (expected e.g. "
                    f"{path.name.split('.meta.')[0]}.txt or .html)")))
            continue  # read with its document
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            failures.append(DocumentReport(document_name(path), str(path), error=f"{path.name}: unsupported file type"))
            continue
        if document_name(path) in seen_names:
            failures.append(DocumentReport(document_name(path), str(path),
                                           error=f"{path.name}: another file already has the name {path.stem}"))
            continue
        try:
            found = parse_documents(path)
        except DocumentError as exc:
            log.warning("not indexed: %s", exc)
            failures.append(DocumentReport(document_name(path), str(path), error=str(exc)))
            continue
        seen_names.add(document_name(path))
        documents.extend(found)
    return CorpusScan(tuple(documents), tuple(failures))
