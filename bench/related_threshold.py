"""How related-stories' threshold was chosen: precision and recall against people's ratings,
with each story scored the way the site scores it.

    .venv/bin/python bench/related_threshold.py          # about a minute

A site scores a story against its candidates (the stories the index ranks closest) with a
sample of other stories in the batch (masthead/search/related.py). This script does the same
with the corpora's texts: a pool of the corpus's texts and unrelated news (PolNeAR's articles
cut at 1,000 characters, Lee's 300 background texts), and for every text of the corpus,
``related.compute`` over its CANDIDATES closest texts of the pool by first-order cosine (a
stand-in for the index's ranking) with BACKGROUND others drawn at random. A pair counts as
related when the one text's computation gives the other a score at or above the threshold,
in each direction: each text's list is its own.

Labels, "about the same subject":

- **Lee**: the 1,225 pairs of its 50 texts, related when the mean human rating is at least
  0.5 on its 0-1 scale (`similarities0-1.txt` holds the upper triangle);
- **SemEval-2022 task 8**: its 161 English pairs, related when Overall is at most 2
  ("somewhat similar" or closer; 1 is very similar, 4 very dissimilar).

For each threshold: precision, recall and F0.5 (precision counted twice as much as recall: a
wrong link under a story costs a reader more than a missing one). The threshold with the best
mean F0.5 over both corpora is marked.
"""

from __future__ import annotations

import csv
import os
import platform
import random
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import django  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings.local")
django.setup()  # unsaved Story instances carry the texts; no database is opened

import similarity as corpora  # noqa: E402  (bench/similarity.py: the corpora's loaders)

from masthead.search import related, similarity  # noqa: E402
from masthead.stories.models import Story  # noqa: E402

THRESHOLDS = [round(0.1 + 0.05 * step, 2) for step in range(13)]
LEE_RELATED = 0.5
SEMEVAL_RELATED = 2.0
POOL_FILLER = 1000


def story(pk: int, text: str) -> Story:
    return Story(pk=pk, headline="", excerpt="", body=text, status=Story.Status.PUBLISHED)


def site_scores(queries: list[int], pool: list[str]) -> dict[int, dict[int, float]]:
    """For each query (an index into ``pool``), the scores related.compute gives its
    candidates, as the site would compute them."""
    vectors = similarity.vectors([related.text_of(story(0, text)) for text in pool])
    first = (vectors @ vectors.T).toarray()
    stories = [story(pk, text) for pk, text in enumerate(pool)]
    found: dict[int, dict[int, float]] = {}
    for query in queries:
        order = [
            int(pk) for pk in np.argsort(-first[query]) if pk != query and first[query, pk] > 0
        ]
        candidates = order[: related.CANDIDATES]
        rest = sorted(set(range(len(pool))) - {query, *candidates})
        sample = random.Random(query).sample(rest, min(related.BACKGROUND, len(rest)))
        computed = related.compute(
            stories[query],
            [stories[pk] for pk in candidates],
            background_texts=[related.text_of(stories[pk]) for pk in sample],
        )
        found[query] = computed.scores
    return found


def lee() -> tuple[dict[tuple[int, int], bool], dict[int, dict[int, float]]]:
    texts = (corpora.LEE / "lee.cor").read_text(encoding="latin-1").split("\n")[:50]
    ratings = np.loadtxt(corpora.LEE / "similarities0-1.txt")
    ratings = np.maximum(ratings, ratings.T)  # the file holds the upper triangle
    filler = corpora.filler_texts()
    random.Random(3).shuffle(filler)
    scores = site_scores(list(range(50)), texts + filler[:POOL_FILLER])
    labels = {
        (a, b): bool(ratings[a, b] >= LEE_RELATED) for a in range(50) for b in range(50) if a != b
    }
    return labels, scores


def semeval() -> tuple[dict[tuple[int, int], bool], dict[int, dict[int, float]]]:
    with corpora.SEMEVAL.open(encoding="utf-8", newline="") as file:
        rows = [r for r in csv.DictReader(file) if (r["lang1"], r["lang2"]) == ("en", "en")]
    texts = list(dict.fromkeys(text for row in rows for text in (row["text1"], row["text2"])))
    filler = corpora.filler_texts()
    random.Random(3).shuffle(filler)
    pool = texts + filler[:POOL_FILLER]
    place = {text: pk for pk, text in enumerate(pool)}
    scores = site_scores([place[text] for text in texts], pool)
    labels: dict[tuple[int, int], bool] = {}
    for row in rows:
        a, b = place[row["text1"]], place[row["text2"]]
        if a != b:
            labels[(a, b)] = labels[(b, a)] = float(row["Overall"]) <= SEMEVAL_RELATED
    return labels, scores


def measures(
    labels: dict[tuple[int, int], bool], scores: dict[int, dict[int, float]], threshold: float
) -> tuple[float, float, float]:
    said = {pair: scores[pair[0]].get(pair[1], 0.0) >= threshold for pair in labels}
    hits = sum(1 for pair, yes in labels.items() if yes and said[pair])
    claimed = sum(said.values())
    real = sum(labels.values())
    precision = hits / claimed if claimed else 1.0
    recall = hits / real if real else 0.0
    f = 1.25 * precision * recall / (0.25 * precision + recall) if precision + recall else 0.0
    return precision, recall, f


def main() -> None:
    print(f"# Related stories' threshold, Python {platform.python_version()}\n")
    corpora_found = {"Lee": lee(), "SemEval en": semeval()}
    for name, (labels, _scores) in corpora_found.items():
        print(f"- {name}: {sum(labels.values())} of {len(labels)} directed pairs related")
    print()
    header = " | ".join(f"{name} P / R / F0.5" for name in corpora_found)
    print(f"| threshold | {header} | mean F0.5 |")
    print("| ---: |" + " ---: |" * (len(corpora_found) + 1))
    table = []
    for threshold in THRESHOLDS:
        found = [measures(labels, scores, threshold) for labels, scores in corpora_found.values()]
        mean = sum(f for _p, _r, f in found) / len(found)
        table.append((threshold, found, mean))
    best = max(table, key=lambda row: row[2])[0]
    for threshold, found, mean in table:
        cells = " | ".join(f"{p:.2f} / {r:.2f} / {f:.2f}" for p, r, f in found)
        mark = " **best**" if threshold == best else ""
        chosen = " (chosen)" if threshold == related.RELATED_THRESHOLD else ""
        print(f"| {threshold:.2f}{chosen} | {cells} | {mean:.3f}{mark} |")


if __name__ == "__main__":
    main()
