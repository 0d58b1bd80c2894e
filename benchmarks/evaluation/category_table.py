"""Markdown tables of benchmarks/results/category.json for docs/evaluation.md.

    .venv/bin/python -m benchmarks.evaluation.category_table
"""

import json
from pathlib import Path

results = json.loads((Path(__file__).resolve().parents[1] / "results" / "category.json").read_text())


def pct(value: float) -> str:
    return f"{100 * value:.1f} %"


print("| export | rows / categories | personal model acc. / macro-F1 | smart_importer-style "
      "SVM acc. / macro-F1 | char TF-IDF LR acc. / macro-F1 | personal coverage → acc. at "
      "threshold (full answer) | personal alone: coverage → acc. | ECE personal |")
print("|---|---|---|---|---|---|---|---|")
for name, r in results["exports"].items():
    p, s, c = r["personal"], r["smart_importer_svm"], r["char_tfidf_lr"]
    print(f"| {name} | {r['rows']} / {r['categories']} | **{pct(p['accuracy'])}** / "
          f"{p['macro_f1']:.3f} | {pct(s['accuracy'])} / {s['macro_f1']:.3f} | "
          f"{pct(c['accuracy'])} / {c['macro_f1']:.3f} | {pct(p['coverage_at_threshold'])} → "
          f"{pct(p['accuracy_at_threshold'])} | {pct(p.get('personal_only_coverage', 0))} → "
          f"{pct(p.get('personal_only_accuracy', 0))} | {p['ece']:.3f} |")
print()
print("| export | default model, no labels: accuracy | coverage → acc. at threshold | "
      "ECE | spending (by amount) right: category / group | wrong answers above 0.9 |")
print("|---|---|---|---|---|---|")
for name, r in results["exports"].items():
    d = r["default_no_labels"]
    print(f"| {name} | **{pct(d['accuracy'])}** | {pct(d['coverage_at_threshold'])} → "
          f"{pct(d['accuracy_at_threshold'])} | {d['ece']:.3f} | "
          f"{pct(d['spending_share_right'])} / {pct(d.get('spending_share_right_group', 0))} | "
          f"{d['wrong_above_0_9']} |")
print(f"\n{results['folds']} folds, seed {results['seed']}, {results['seconds']} s.")
