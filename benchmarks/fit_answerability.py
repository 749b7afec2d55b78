"""Refit the answerability model from the development set's signals, and report how well it does.

    python benchmarks/devset/run.py --signals /tmp/signals.jsonl
    python benchmarks/fit_answerability.py /tmp/signals.jsonl            # report only
    python benchmarks/fit_answerability.py /tmp/signals.jsonl --write    # and ship the new model

Fits a logistic regression (L2, Newton's method: numpy is all it needs) on the seed and the documents
of the groups that benchmarks/devset/split.yaml lists under ``answerability_fit`` (the ones looked at
while tuning), never on the others; each document weighs the same (the seed has six times the
questions of the others). Lookups (a named section, a unit's task list) are answered without the
model and left out. Reports leave-one-document-out accuracy (each document's questions judged by a
model fitted without it), calibration (Brier score, reliability by probability bin) and the accuracy
on every document it was not fitted on. The threshold is the highest whose leave-one-document-out
false-abstain rate, over every judged question (answerable ones whose search missed included, since
users see those refusals too), stays within issue 9's 0.08.
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "retrieval" / "answer" / "answerability_model.json"
FEATURES = ("coverage", "coverage_top1", "cosine", "share", "lead", "kind_gap", "kind_gap_quote", "asks_kind", "place_missing", "phrase_missing", "phrase_missing_best",
            "place_missing_best", "year_missing", "other_document", "english", "general_support", "no_content")
L2 = 1.0
# Standardised signals and their pairwise products, held back hard (each pair term is a guess): on
# the development set's leave-one-document-out, abstains right 0.59 → 0.71 at the same false abstains.
PAIRS = True
PAIRS_L2 = 100.0


def matrix(rows: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    x = np.array([[float(r["signals"].get(f, 0.0)) for f in FEATURES] for r in rows], dtype=float)
    y = np.array([1.0 if r["answerable"] else 0.0 for r in rows])
    return x, y


def fit(x: np.ndarray, y: np.ndarray, l2: float = L2, weight: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """Newton's method on the L2-penalised log-likelihood; the intercept is not penalised.

    ``weight`` balances documents (the seed has six times the questions of the others, and the
    model is for documents like the others); classes are not reweighted, so the probabilities stay
    calibrated; the decision threshold is chosen apart
    (``choose_threshold``), since a refusal missed and an answer refused cost about the same while
    unanswerable questions are the rarer ~15 %.
    """
    n, d = x.shape
    xb = np.hstack([x, np.ones((n, 1))])
    w = np.zeros(d + 1)
    weight = np.ones(n) if weight is None else weight
    penalty = np.full(d + 1, l2)
    penalty[-1] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(xb @ w, -30, 30)))
        grad = xb.T @ (weight * (p - y)) + penalty * w
        hess = (xb.T * (weight * p * (1 - p))) @ xb + np.diag(penalty) + 1e-9 * np.eye(d + 1)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1], float(w[-1])


MAX_FALSE_ABSTAIN = 0.08  # issue 9's bound on false abstains


def document_weights(docs: np.ndarray) -> np.ndarray:
    """Each document counts the same in all: a question weighs 1 / its document's question count
    (scaled so the weights sum to the number of questions)."""
    names, counts = np.unique(docs, return_counts=True)
    per = dict(zip(names, counts))
    w = np.array([1.0 / per[d] for d in docs])
    return w * len(docs) / w.sum()


def confidence_bands(p: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(confident_no, confident_yes) from leave-one-document-out probabilities: the lowest probability
    from which on 98 % of questions were answerable, and the highest up to which 85 % were not (each
    over at least 20 questions; the defaults 0.15 / 0.95 otherwise)."""
    yes, no = 0.95, 0.15
    for t in np.arange(0.99, 0.5, -0.01):
        above = p >= t
        if above.sum() >= 20 and y[above].mean() >= 0.98:
            yes = float(t)
    for t in np.arange(0.05, 0.5, 0.01):
        below = p <= t
        if below.sum() >= 20 and (1 - y[below]).mean() >= 0.85:
            no = float(t)
    return round(no, 2), round(yes, 2)


def choose_threshold(p: np.ndarray, y: np.ndarray, weight: np.ndarray | None = None) -> float:
    """The highest threshold whose leave-one-document-out false-abstain rate stays at or below
    MAX_FALSE_ABSTAIN: refusing a question the documents answer costs a user more than answering
    one they do not (that answer still quotes and cites the nearest measure, which a reader can check)."""
    chosen = 0.5
    weight = np.ones(len(y)) if weight is None else weight
    answerable = y == 1
    for t in np.arange(0.3, 0.91, 0.01):
        if np.average(p[answerable] < t, weights=weight[answerable]) <= MAX_FALSE_ABSTAIN:
            chosen = float(t)
    return round(chosen, 2)


def predict(coef: np.ndarray, intercept: float, x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-np.clip(x @ coef + intercept, -30, 30)))


class Model:
    """The shipped model's design: signals standardised (by the training rows' weighted mean and
    spread) and, with PAIRS, every product of two of them; then a penalised logistic regression."""

    def __init__(self, x: np.ndarray, y: np.ndarray, weight: np.ndarray, pairs: bool = PAIRS) -> None:
        self.pairs = pairs
        if pairs:
            self.mean = np.average(x, axis=0, weights=weight)
            spread = np.sqrt(np.average((x - self.mean) ** 2, axis=0, weights=weight))
            self.scale = np.where(spread > 1e-9, spread, 1.0)
        else:
            self.mean, self.scale = np.zeros(x.shape[1]), np.ones(x.shape[1])
        self.coef, self.intercept = fit(self.design(x), y, PAIRS_L2 if pairs else L2, weight)

    def design(self, x: np.ndarray) -> np.ndarray:
        z = (x - self.mean) / self.scale
        if not self.pairs:
            return z
        i, j = np.triu_indices(z.shape[1], k=1)
        return np.hstack([z, z[:, i] * z[:, j]])

    def predict(self, x: np.ndarray) -> np.ndarray:
        return predict(self.coef, self.intercept, self.design(x))

    def to_json(self) -> dict:
        out = {"features": list(FEATURES), "coef": [round(float(c), 5) for c in self.coef],
               "intercept": round(float(self.intercept), 5), "l2": PAIRS_L2 if self.pairs else L2}
        if self.pairs:
            out |= {"pairs": True, "mean": [round(float(v), 6) for v in self.mean],
                    "scale": [round(float(v), 6) for v in self.scale]}
        return out


def report(name: str, p: np.ndarray, y: np.ndarray, threshold: float = 0.5) -> dict:
    pred = p >= threshold
    answerable, refuse = y == 1, y == 0
    out = {"n": int(len(y)), "accuracy": round(float((pred == (y == 1)).mean()), 3),
           "abstain_right": round(float((~pred[refuse]).mean()), 3) if refuse.any() else None,
           "false_abstain": round(float((~pred[answerable]).mean()), 3) if answerable.any() else None,
           "brier": round(float(((p - y) ** 2).mean()), 3)}
    print(f"{name:40} n={out['n']:4} acc={out['accuracy']:.3f} abstain_right={out['abstain_right']} "
          f"false_abstain={out['false_abstain']} brier={out['brier']}")
    return out


def per_document(ps: list, ys: list, names: list[str], threshold: float) -> None:
    """LODO abstains right / false abstains per document, and their mean (each document alike)."""
    right, false = [], []
    for p, y, name in zip(ps, ys, names):
        pred = p >= threshold
        r = float((~pred[y == 0]).mean()) if (y == 0).any() else float("nan")
        f = float((~pred[y == 1]).mean()) if (y == 1).any() else float("nan")
        right.append(r)
        false.append(f)
        print(f"    {name[:40]:40} n={len(y):4} abstain_right={r:.2f} false_abstain={f:.2f}")
    print(f"  per-document mean (LODO): abstain_right={np.nanmean(right):.3f} false_abstain={np.nanmean(false):.3f}")


def calibration(p: np.ndarray, y: np.ndarray) -> list[dict]:
    bins = []
    for lo in np.arange(0, 1, 0.2):
        mask = (p >= lo) & (p < lo + 0.2 if lo < 0.8 else p <= 1.0)
        if mask.any():
            bins.append({"bin": f"{lo:.1f}-{lo + 0.2:.1f}", "n": int(mask.sum()),
                         "mean_p": round(float(p[mask].mean()), 3), "answerable": round(float(y[mask].mean()), 3)})
    return bins


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("signals", type=Path)
    parser.add_argument("--write", action="store_true", help=f"write the fitted model to {MODEL.relative_to(ROOT)}")
    args = parser.parse_args()
    split = yaml.safe_load((ROOT / "benchmarks" / "devset" / "split.yaml").read_text(encoding="utf-8"))
    rows = [json.loads(line) for line in args.signals.read_text(encoding="utf-8").splitlines() if line.strip()]
    train_docs = {doc for group in split["answerability_fit"] for doc in split[group]} | {split["seed"]}
    # Answerable questions whose search missed the measure are left out: refusing them is no error of
    # the model's (the answer would be wrong either way), and their signals look like refusals.
    # Lookups (a named section, a unit's task list) are answered without the model: no signals, left out.
    judged = [r for r in rows if r["doc"] in train_docs and r["signals"]]
    train = [r for r in judged if not r["answerable"] or r.get("top_right", True)]
    heldout = [r for r in rows if r["doc"] not in train_docs and r["signals"]]
    x, y = matrix(train)
    docs = np.array([r["doc"] for r in train])
    weights = document_weights(docs)
    model = Model(x, y, weights)

    print("leave-one-document-out (each document judged by a model fitted without it):")
    lodo_p, lodo_y, lodo_w = [], [], []
    # The threshold is chosen on every judged question of the held-out document, answerable ones whose
    # search missed included: a refusal of those counts as a false abstain for users and in the metrics.
    every_p, every_y, every_docs = [], [], []
    jx, jy = matrix(judged)
    judged_docs = np.array([r["doc"] for r in judged])
    for doc in sorted({r["doc"] for r in train}):
        inside = docs != doc
        fold = Model(x[inside], y[inside], document_weights(docs[inside]))
        p = fold.predict(x[~inside])
        lodo_p.append(p)
        lodo_y.append(y[~inside])
        lodo_w.append(weights[~inside])
        mine = judged_docs == doc
        every_p.append(fold.predict(jx[mine]))
        every_y.append(jy[mine])
        every_docs.extend([doc] * int(mine.sum()))
    all_p, all_y, all_w = np.concatenate(lodo_p), np.concatenate(lodo_y), np.concatenate(lodo_w)
    threshold = choose_threshold(np.concatenate(every_p), np.concatenate(every_y),
                                 document_weights(np.array(every_docs)))
    print(f"threshold (highest with LODO false abstains <= {MAX_FALSE_ABSTAIN} over every judged question, "
          f"documents weighed alike): {threshold}")
    bands = confidence_bands(np.concatenate(every_p), np.concatenate(every_y))
    print(f"confident at or below {bands[0]} and at or above {bands[1]}")
    print("  every judged question, per document:")
    per_document(every_p, every_y, sorted({r["doc"] for r in train}), threshold)
    per_document(lodo_p, lodo_y, sorted({r["doc"] for r in train}), threshold)
    lodo = report("  all (LODO)", all_p, all_y, threshold)
    print("calibration (LODO):", json.dumps(calibration(all_p, all_y)))
    fitted = report("fitted, on its own training rows", model.predict(x), y, threshold)
    held = None
    if heldout:
        hx, hy = matrix(heldout)
        held = report("documents not fitted on, all judged questions", model.predict(hx), hy, threshold)
    print("coefficients (standardised signals):", ", ".join(f"{f}={c:+.2f}" for f, c in zip(FEATURES, model.coef)),
          f"intercept={model.intercept:+.2f}", f"(+ {len(model.coef) - len(FEATURES)} pair terms)" if model.pairs else "")
    if args.write:
        shipped = {"version": f"{date.today().isoformat()}-lr{len(train)}", "threshold": threshold,
                   "confident_no": bands[0], "confident_yes": bands[1],
                 **model.to_json(),
                 # Which documents, by reference: the model is for any city's documents, not theirs.
                 "trained_on": "the seed and the answerability_fit groups of benchmarks/devset/split.yaml",
                 "documents": len({r["doc"] for r in train}), "questions": len(train),
                 "lodo": lodo, "fitted": fitted, "heldout": held}
        MODEL.write_text(json.dumps(shipped, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {MODEL.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
