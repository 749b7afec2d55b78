"""Plain-text and JSON renderings for the command line (Telegram has its own, in telegram_render)."""
from __future__ import annotations

from retrieval.models import Answer, IngestReport, Measure


def measure_dict(m: Measure) -> dict:
    return {"document": m.document, "title": m.title, "section": m.section, "chapter": m.chapter,
            "heading": m.heading, "units": list(m.units), "text": m.text,
            "lead_units": list(m.lead_units), "partner_units": list(m.support_units),
            "units_inferred": m.units_inferred, "section_inferred": m.section_inferred,
            "doc_number": m.doc_number, "issuer": m.issuer, "date": m.date, "place": m.place}


def units_line(m: Measure) -> str:
    """责任单位, or 牵头单位 and 配合单位 apart where the document distinguishes them."""
    if not m.units:
        return "责任单位: (未指定责任单位 / no unit named)"
    inferred = " (据正文推断 / inferred from the text)" if m.units_inferred else ""
    if not m.lead_units:
        return "责任单位: " + "、".join(m.units) + inferred
    lines = ["牵头单位: " + "、".join(m.lead_units)]
    others = [u for u in m.units if u not in m.lead_units and u not in m.support_units]
    if others:
        lines.append("责任单位: " + "、".join(others))
    if m.support_units:
        lines.append("配合单位: " + "、".join(m.support_units))
    return "\n".join(lines) + inferred


def measure_text(m: Measure, *, short: bool = False) -> str:
    units = "、".join(m.units) or "(未指定责任单位 / no unit named)"
    if short:
        return f"{m.document}  {m.section:<10} {units}  {m.heading_line[:40]}"
    source = " ".join(p for p in (m.doc_number, m.issuer, m.date) if p)
    parts = [f"{m.section}  《{m.title}》 ({m.document})" + (f"  {source}" if source else "")]
    if m.chapter:
        parts.append(m.chapter)
    if m.subsection:
        parts.append(m.subsection)
    # A subsection that is its own statement ("（二）提升算力供给水平。加快…") has just been printed whole.
    if not (m.subsection and m.text in m.subsection):
        parts.append(m.text)
    parts.append(units_line(m))
    return "\n".join(parts)


def answer_json(a: Answer) -> dict:
    return a.to_dict()


def answer_text(a: Answer) -> str:
    tail = f"\n\n[{a.mode}{'; ' + a.note if a.note else ''}]"
    return a.text + tail


def ingest_text(r: IngestReport) -> str:
    lines = [f"index version {r.version}: {r.measures} measures, {r.embedded} embedded, {r.seconds:.2f}s"]
    for d in r.documents:
        if d.error:
            kept = f" (its previous {d.measures} measures keep serving)" if d.kept_previous else ""
            lines.append(f"  ✗ {d.document}: {d.error}{kept}")
            continue
        lines.append(f"  ✓ {d.document}: {d.measures} measures" + (f" 《{d.title}》" if d.title else ""))
        for label, ids in d.changes:
            lines.append(f"      {label} ({len(ids)}): {clip_ids(ids)}")
        lines += [f"      ! {w}" for w in d.warnings]
    if not r.changed_anything:
        lines.append("  no changes since the last version")
    if r.failed:
        lines.append(f"  {len(r.failed)} file(s) not indexed")
    return "\n".join(lines)


def clip_ids(ids, limit: int = 20) -> str:
    """Section ids for a report line: a large change stays one readable line."""
    shown = ", ".join(ids[:limit])
    return shown + (f", … and {len(ids) - limit} more" if len(ids) > limit else "")


def support_text(items, language: str) -> str:
    if not items:
        return "没有找到相关支持措施。" if language == "zh" else "No support measures found."
    lines = []
    for item in items:
        figures = f"  [{', '.join(item.figures)}]" if item.figures else ""
        lines.append(f"{item.measure.section:<10} {' / '.join(item.labels(language))}{figures}")
        lines.append(f"           {item.measure.heading_line}")
        lines.append(f"           {'、'.join(item.measure.units) or '—'}")
    return "\n".join(lines)
