"""Story similarity against human ratings, beside a plain TF-IDF cosine, and its speed.

    .venv/bin/python bench/similarity.py [--skip-select] [--splits N]

Prints, for masthead.search.similarity and for the baseline computed in the same run:

- Pearson r on the Lee corpus: the 50 documents' 1,225 distinct pairs (the upper triangle of
  the 50 x 50 matrix of mean human ratings, diagonal excluded), the 50 texts as one batch;
- Pearson r on the 161 English-English pairs of SemEval-2022 task 8 against -Overall (Overall
  runs from 1, very similar, to 4, very dissimilar, so its negative is the rated sameness),
  the 322 texts as one batch; also with each pair scored alone, and inside a batch of 1,000
  pairs (the other 839 pairs from unrelated news);
- held-out figures: each corpus is cut in two halves at random (Lee by documents, each half's
  300 pairs; SemEval by pairs), each half scored as its own batch. The variant with the best
  mean r over both corpora on one half is reported on the other, both ways, for N random cuts;
- the time of ``masthead similarity --pairs`` on 1,000 pairs (2,000 news texts of about 1,000
  characters) end to end, on one core (taskset, one BLAS thread).

The baseline is the textbook TF-IDF cosine: lower-cased words of two or more letters or digits,
raw counts times smoothed idf (ln((1 + n) / (1 + df)) + 1), L2-normalised, no stemming or stop
words, statistics from the same batch.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from masthead.search import similarity  # noqa: E402

DATA = Path(os.environ.get("MASTHEAD_SHARED", ROOT.parent / "shared")) / "data"
LEE = DATA / "similarity/lee-corpus"
SEMEVAL = DATA / "similarity/semeval2022-task8/training_set.csv"
POLNEAR = DATA / "quotes/polnear"
GOALS = {"lee": 0.65, "semeval": 0.78}
BATCH_PAIRS = 1000
TEXT_CHARS = 1000
TIME_GOAL = 10.0

Pairs = list[tuple[str, str]]
Scorer = Callable[[Pairs], list[float]]


def lee() -> tuple[Pairs, np.ndarray, list[tuple[int, int]]]:
    texts = (LEE / "lee.cor").read_text(encoding="latin-1").split("\n")
    ratings = np.loadtxt(LEE / "similarities0-1.txt")
    assert len(texts) == 50 and ratings.shape == (50, 50)
    index = list(itertools.combinations(range(50), 2))
    return (
        [(texts[a], texts[b]) for a, b in index],
        np.array([ratings[a, b] for a, b in index]),
        index,
    )


def semeval(languages: tuple[str, str] = ("en", "en")) -> tuple[Pairs, np.ndarray]:
    with SEMEVAL.open(encoding="utf-8", newline="") as file:
        rows = [row for row in csv.DictReader(file) if (row["lang1"], row["lang2"]) == languages]
    return [(row["text1"], row["text2"]) for row in rows], -np.array(
        [float(row["Overall"]) for row in rows]
    )


def filler_texts() -> list[str]:
    """Unrelated news for big batches: PolNeAR's articles cut into pieces of TEXT_CHARS, then
    Lee's background texts."""
    texts = []
    for path in sorted(POLNEAR.glob("*/text/*.txt")):
        body = path.read_text(encoding="utf-8", errors="replace")
        texts += [
            body[start : start + TEXT_CHARS] for start in range(0, len(body) - 500, TEXT_CHARS)
        ]
    background = (LEE / "lee_background.cor").read_text(encoding="latin-1").split("\n")
    return texts + [text for text in background if text.strip()]


_BASELINE_WORD = re.compile(r"(?u)\b\w\w+\b")


def baseline(pairs: Pairs) -> list[float]:
    distinct = list(dict.fromkeys(text for pair in pairs for text in pair))
    row_of = {text: row for row, text in enumerate(distinct)}
    counts = [Counter(_BASELINE_WORD.findall(text.lower())) for text in distinct]
    df: Counter[str] = Counter()
    for count in counts:
        df.update(count.keys())
    column = {term: index for index, term in enumerate(df)}
    n = len(distinct)
    rows, columns, values = [], [], []
    for row, count in enumerate(counts):
        for term, tf in count.items():
            rows.append(row)
            columns.append(column[term])
            values.append(tf * (np.log((1 + n) / (1 + df[term])) + 1))
    matrix = sp.csr_matrix((values, (rows, columns)), shape=(n, len(column)))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    matrix = sp.diags(1 / np.where(norms > 0, norms, 1)) @ matrix
    a = np.array([row_of[x] for x, _ in pairs])
    b = np.array([row_of[y] for _, y in pairs])
    return np.asarray(matrix[a].multiply(matrix[b]).sum(axis=1)).ravel().tolist()


def ours(weighting: similarity.Weighting = similarity.DEFAULT) -> Scorer:
    return lambda pairs: similarity.pair_scores(pairs, weighting)


def pearson(x: Sequence[float], y: Sequence[float]) -> float:
    return float(np.corrcoef(np.asarray(x, dtype=float), np.asarray(y, dtype=float))[0, 1])


def corpus_figures(scorers: dict[str, Scorer]) -> None:
    lee_pairs, lee_ratings, _ = lee()
    sem_pairs, sem_sameness = semeval()
    filler = filler_texts()
    random.Random(7).shuffle(filler)
    extra = BATCH_PAIRS - len(sem_pairs)
    big = sem_pairs + list(zip(filler[:extra], filler[extra : 2 * extra], strict=True))
    print("\n## Pearson r against the human ratings (whole corpora)\n")
    print(
        "| similarity | Lee, 1,225 pairs | SemEval en, 161 pairs "
        "| each pair alone | in 1,000 pairs |"
    )
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, scorer in scorers.items():
        lee_r = pearson(scorer(lee_pairs), lee_ratings)
        sem_r = pearson(scorer(sem_pairs), sem_sameness)
        alone = pearson([scorer([pair])[0] for pair in sem_pairs], sem_sameness)
        inside = pearson(scorer(big)[: len(sem_pairs)], sem_sameness)
        print(f"| {name} | {lee_r:.3f} | {sem_r:.3f} | {alone:.3f} | {inside:.3f} |")
    print(f"| goal | {GOALS['lee']} | {GOALS['semeval']} | | |")


def variants() -> dict[str, similarity.Weighting]:
    """The grid the defaults were chosen from: each knob at a few values a reader of news
    would find plausible, and the second-order step on or off."""
    found = {}
    for entity, (lead_words, lead), second in itertools.product(
        (1.0, 1.5, 2.0, 3.0),
        [(0, 1.0)] + [(words, weight) for words in (20, 40) for weight in (1.5, 2.0, 3.0)],
        (False, True),
    ):
        weighting = similarity.Weighting(entity, lead_words, lead, second)
        found[f"entity {entity:g}, lead {lead_words}x{lead:g}, 2nd {'on' if second else 'off'}"] = (
            weighting
        )
    return found


def held_out(splits: int) -> None:
    """Choose on one half, report on the other; each half is a batch of its own."""
    lee_pairs, lee_ratings, lee_index = lee()
    sem_pairs, sem_sameness = semeval()
    grid = variants()
    scorers: dict[str, Scorer] = {name: ours(weighting) for name, weighting in grid.items()}
    scorers["baseline"] = baseline
    default_name = next(name for name, w in grid.items() if w == similarity.DEFAULT)
    rng = random.Random(2026)
    halves = []
    for _ in range(splits):
        documents = list(range(50))
        rng.shuffle(documents)
        lee_half = [set(documents[:25]), set(documents[25:])]
        order = list(range(len(sem_pairs)))
        rng.shuffle(order)
        sem_half = [order[: len(order) // 2], order[len(order) // 2 :]]
        for side in (0, 1):
            lee_rows = [
                k
                for k, (a, b) in enumerate(lee_index)
                if a in lee_half[side] and b in lee_half[side]
            ]
            halves.append((lee_rows, sem_half[side]))
    # r of every scorer on every half, each half scored as its own batch
    figures: dict[str, list[tuple[float, float]]] = {}
    for name, scorer in scorers.items():
        figures[name] = [
            (
                pearson(scorer([lee_pairs[k] for k in lee_rows]), lee_ratings[lee_rows]),
                pearson(scorer([sem_pairs[k] for k in sem_rows]), sem_sameness[sem_rows]),
            )
            for lee_rows, sem_rows in halves
        ]
    chosen_lee, chosen_sem, picks = [], [], Counter()
    for cut in range(0, len(halves), 2):
        for dev, test in ((cut, cut + 1), (cut + 1, cut)):
            best = max(grid, key=lambda name: sum(figures[name][dev]))
            picks[best] += 1
            chosen_lee.append(figures[best][test][0])
            chosen_sem.append(figures[best][test][1])
    print(
        f"\n## Held out: {splits} random cuts in halves, "
        "chosen on one half, measured on the other\n"
    )
    print("| similarity | Lee half (300 pairs) | SemEval half (80-81 pairs) |")
    print("| --- | ---: | ---: |")

    def row(name: str, lee_values: Sequence[float], sem_values: Sequence[float]) -> None:
        print(
            f"| {name} | {np.mean(lee_values):.3f} ± {np.std(lee_values):.3f} "
            f"| {np.mean(sem_values):.3f} ± {np.std(sem_values):.3f} |"
        )

    row("variant chosen on the other half", chosen_lee, chosen_sem)
    row(f"defaults ({default_name})", *zip(*figures[default_name], strict=True))
    row("baseline", *zip(*figures["baseline"], strict=True))
    print(
        "\nChosen on the other half (times):",
        ", ".join(f"{n}: {c}" for n, c in picks.most_common()),
    )
    ranked = sorted(grid, key=lambda name: -np.mean([sum(f) for f in figures[name]]))
    print("\nEvery variant, mean r over all halves (Lee, SemEval), best first:")
    for name in ranked:
        lee_mean = np.mean([f[0] for f in figures[name]])
        sem_mean = np.mean([f[1] for f in figures[name]])
        print(f"  {lee_mean:.3f} {sem_mean:.3f}  {name}")


def speed() -> None:
    texts = filler_texts()
    random.Random(11).shuffle(texts)
    assert len(texts) >= 2 * BATCH_PAIRS, len(texts)
    lines = [
        json.dumps({"id": k, "text1": texts[2 * k], "text2": texts[2 * k + 1]})
        for k in range(BATCH_PAIRS)
    ]
    characters = np.mean([len(text) for text in texts[: 2 * BATCH_PAIRS]])
    environment = dict(
        os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1"
    )
    with tempfile.TemporaryDirectory() as work:
        source, out = Path(work, "pairs.jsonl"), Path(work, "scores.jsonl")
        source.write_text("\n".join(lines) + "\n", encoding="utf-8")
        command = [
            "taskset",
            "-c",
            "0",
            str(ROOT / ".venv/bin/masthead"),
            "similarity",
            "--pairs",
            str(source),
            "--out",
            str(out),
        ]
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            subprocess.run(command, check=True, env=environment)
            runs.append(time.perf_counter() - started)
        scores = [json.loads(line)["score"] for line in out.read_text().splitlines()]
        assert len(scores) == BATCH_PAIRS and all(0 <= s <= 1 for s in scores)
        started = time.perf_counter()
        subprocess.run(
            [*command[:4], "help", "similarity"], check=True, env=environment, capture_output=True
        )
        startup = time.perf_counter() - started
    pairs = [(texts[2 * k], texts[2 * k + 1]) for k in range(BATCH_PAIRS)]
    started = time.perf_counter()
    similarity.pair_scores(pairs)
    inside = time.perf_counter() - started
    started = time.perf_counter()
    baseline(pairs)
    base = time.perf_counter() - started
    print(
        f"\n## Speed: {BATCH_PAIRS} pairs, {2 * BATCH_PAIRS} texts "
        f"of {characters:.0f} characters on average, one core\n"
    )
    print(
        f"- `masthead similarity --pairs` end to end: best {min(runs):.2f} s of {len(runs)} "
        f"({', '.join(f'{r:.2f}' for r in runs)}); goal under {TIME_GOAL:.0f} s"
    )
    print(f"- of which starting the command (`masthead help similarity`): {startup:.2f} s")
    print(f"- pair_scores in process: {inside:.2f} s; the baseline in process: {base:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skip-select", action="store_true", help="no held-out variant selection")
    parser.add_argument("--splits", type=int, default=10, help="random cuts in halves")
    options = parser.parse_args()
    print(
        f"# Story similarity, {time.strftime('%Y-%m-%d')}, "
        f"Python {platform.python_version()}, {os.cpu_count()} cores"
    )
    corpus_figures(
        {"masthead.search.similarity": ours(), "plain TF-IDF cosine (baseline)": baseline}
    )
    if not options.skip_select:
        held_out(options.splits)
    speed()


if __name__ == "__main__":
    main()
