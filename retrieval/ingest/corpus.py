"""The corpus folder → parsed documents, and a report line for every file that yields nothing."""
from __future__ import annotations

import dataclasses
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from retrieval.ingest.loaders import SUPPORTED_SUFFIXES, DocumentError, load_file, load_upload
from retrieval.ingest.metadata import MetaError, is_sidecar, read_sidecar, sidecar_path, with_meta
from retrieval.ingest.parsing import NoMeasuresError, parse_text
from retrieval.models import Document, DocumentReport

log = logging.getLogger(__name__)
MAX_STEM_BYTES = 200


@dataclass(frozen=True)
class CorpusScan:
    documents: tuple[Document, ...]
    failures: tuple[DocumentReport, ...]


def document_name(path: Path) -> str:
    return path.stem


def parse_file(path: Path) -> Document:
    """One file → its document, with the sidecar's metadata (``NAME.meta.yaml``) over what was found;
    DocumentError names the file and the cause."""
    try:
        loaded = load_file(path)
        document = parse_text(loaded.text, document_name(path), source=str(path), page_meta=loaded.meta)
    except NoMeasuresError as exc:
        raise DocumentError(f"{path.name}: {exc}") from exc
    sidecar = sidecar_path(path)
    if sidecar is None:
        return document
    try:
        return with_meta(document, read_sidecar(sidecar))
    except MetaError as exc:
        # The document itself is fine: index it with what was found, and tell the admin.
        return dataclasses.replace(document, warnings=document.warnings + (f"{exc}; metadata file ignored",))


def parse_upload(data: bytes, filename: str) -> Document:
    """An uploaded file (not yet in the corpus) → its document, for preview."""
    try:
        loaded = load_upload(data, filename)
        return parse_text(loaded.text, document_name(Path(filename)), source=filename, page_meta=loaded.meta)
    except NoMeasuresError as exc:
        raise DocumentError(f"{filename}: {exc}") from exc


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
            failures.append(DocumentReport(path.stem, str(path), error=f"{path.name}: unsupported file type"))
            continue
        if document_name(path) in seen_names:
            failures.append(DocumentReport(path.stem, str(path),
                                           error=f"{path.name}: another file already has the name {path.stem}"))
            continue
        try:
            document = parse_file(path)
        except DocumentError as exc:
            log.warning("not indexed: %s", exc)
            failures.append(DocumentReport(path.stem, str(path), error=str(exc)))
            continue
        seen_names.add(document.name)
        documents.append(document)
    return CorpusScan(tuple(documents), tuple(failures))
