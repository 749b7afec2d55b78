"""How long OCR takes per page, on demand (not a test): recognising is the slow part of adding a scan.

    python benchmarks/bench_ocr.py [FILE.pdf|FILE.png ...]     # default: the test fixtures

Each file is read cold (no cache), then again from the cache; prints seconds per page for both.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from retrieval.ingest import ocr  # noqa: E402
from retrieval.ingest.loaders import load_bytes  # noqa: E402

DEFAULT = [ROOT / "tests" / "fixtures" / "sample-measures-scan.pdf", ROOT / "tests" / "fixtures" / "sample-infographic.png"]


def pages_of(path: Path, data: bytes) -> int:
    if path.suffix.lower() != ".pdf":
        return 1
    import pypdfium2 as pdfium

    return len(pdfium.PdfDocument(data))


def main() -> None:
    files = [Path(p) for p in sys.argv[1:]] or DEFAULT
    ocr._engine()  # model loading is once per process; reported apart
    with tempfile.TemporaryDirectory() as cache:
        ocr.use_cache_dir(Path(cache))
        for path in files:
            data = path.read_bytes()
            pages = pages_of(path, data)
            started = time.perf_counter()
            text = load_bytes(data, path.name)
            cold = time.perf_counter() - started
            started = time.perf_counter()
            load_bytes(data, path.name)
            warm = time.perf_counter() - started
            print(f"{path.name}: {pages} page(s), {len(text)} characters; cold {cold:.1f} s "
                  f"({cold / pages:.1f} s/page), from cache {warm:.2f} s")


if __name__ == "__main__":
    main()
