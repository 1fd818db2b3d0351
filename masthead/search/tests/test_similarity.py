"""The similarity's properties, whatever the batch: identical texts score 1, texts sharing no
word 0, the same pair the same both ways round, every score in [0, 1], a retelling of a story
above another story on the same subject, itself above an unrelated one; and how words become
terms (names, acronyms, accents, numbers)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from masthead.search import similarity
from masthead.search.similarity import Batch, Weighting, pair_scores, tokens

FERRY = (
    "The Harbour Council voted on Tuesday night to extend the Skye ferry service for another "
    "eighteen months, after a debate that ran past midnight. Opponents said the subsidy of "
    "£2.4 million would crowd out repairs to the northern breakwater."
)
FERRY_RETOLD = (
    "Skye's ferry will keep sailing for eighteen more months: late on Tuesday the Harbour "
    "Council approved the £2.4 million subsidy, over objections that the breakwater needs "
    "repairs first."
)
FERRY_OTHER = (
    "Ferry passengers to Skye face delays this weekend while the operator replaces an engine, "
    "the Harbour Council said. Sailings resume on Monday."
)
CHESS = (
    "Magnus Carlsen won the rapid chess championship in Oslo with a round to spare, beating "
    "the Dutch grandmaster in a sharp endgame."
)
VOLCANO = "Lava from Kilauea reached the Pacific overnight, and geologists expect eruptions."

VOCABULARY = (
    "council ferry vote Tuesday subsidy harbour repair breakwater Skye minister election "
    "budget court ruling appeal storm flood river police arrest match goal coach season "
    "Oslo Carlsen chess lava Kilauea the a of and said"
)
WORDS = VOCABULARY.split()


def random_text(rnd: random.Random) -> str:
    return " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(0, 60)))


def test_identical_texts_score_one_alone_and_in_a_batch() -> None:
    assert pair_scores([(FERRY, FERRY)]) == [1.0]
    scores = pair_scores([(FERRY, FERRY), (CHESS, VOLCANO), (FERRY_OTHER, CHESS)])
    assert scores[0] == 1.0


def test_identical_texts_without_a_single_term_still_score_one() -> None:
    assert pair_scores([("", ""), ("the of and", "the of and")]) == [1.0, 1.0]
    assert pair_scores([("", FERRY), ("of the", CHESS)]) == [0.0, 0.0]


def test_texts_sharing_no_word_score_zero() -> None:
    assert pair_scores([(CHESS, VOLCANO)]) == [0.0]
    assert pair_scores([(CHESS, VOLCANO), (FERRY, FERRY_RETOLD)])[0] == 0.0


def test_a_retelling_ranks_above_another_story_on_the_subject_above_an_unrelated_one() -> None:
    retold, other, unrelated = pair_scores(
        [(FERRY, FERRY_RETOLD), (FERRY, FERRY_OTHER), (FERRY, CHESS)]
    )
    assert retold > other > unrelated
    assert retold > 0.5
    assert unrelated < 0.05


def test_symmetric_and_within_zero_and_one_on_random_batches() -> None:
    rnd = random.Random(4)
    for _ in range(30):
        texts = [random_text(rnd) for _ in range(rnd.randint(2, 12))]
        pairs = [(rnd.choice(texts), rnd.choice(texts)) for _ in range(20)]
        forward = pair_scores(pairs)
        backward = pair_scores([(b, a) for a, b in pairs])
        assert forward == pytest.approx(backward, abs=1e-12)
        assert all(0.0 <= score <= 1.0 for score in forward)
        for (a, b), score in zip(pairs, forward, strict=True):
            if a == b:
                assert score == 1.0


def test_the_order_of_the_pairs_and_repeated_texts_change_nothing() -> None:
    pairs = [(FERRY, FERRY_RETOLD), (FERRY_OTHER, CHESS), (FERRY, VOLCANO)]
    scores = pair_scores(pairs)
    assert pair_scores(pairs[::-1])[::-1] == pytest.approx(scores, abs=1e-12)
    # FERRY given again in more pairs is still one text for the statistics
    assert pair_scores([*pairs, (FERRY, FERRY), (FERRY, FERRY_RETOLD)])[:3] == pytest.approx(
        scores, abs=1e-12
    )


def test_rows_computed_in_blocks_give_the_scores_of_one_block(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rnd = random.Random(8)
    texts = [random_text(rnd) for _ in range(40)]
    pairs = [(rnd.choice(texts), rnd.choice(texts)) for _ in range(60)]
    whole = pair_scores(pairs)
    monkeypatch.setattr(similarity, "ROWS_AT_ONCE", 4)
    assert pair_scores(pairs) == pytest.approx(whole, abs=1e-12)


def test_the_matrix_agrees_with_the_pairs() -> None:
    texts = [FERRY, FERRY_RETOLD, FERRY_OTHER, CHESS, VOLCANO]
    batch = Batch(texts)
    matrix = batch.matrix()
    assert np.allclose(matrix, matrix.T)
    assert np.allclose(np.diag(matrix), 1.0)
    rows_a, rows_b = np.triu_indices(len(texts), 1)
    scores = pair_scores([(texts[a], texts[b]) for a, b in zip(rows_a, rows_b, strict=True)])
    assert np.allclose(matrix[rows_a, rows_b], scores)


def test_first_order_alone_is_a_cosine_in_zero_and_one() -> None:
    first_order = Weighting(second_order=False)
    same, unrelated = pair_scores([(FERRY, FERRY), (CHESS, VOLCANO)], first_order)
    retold = pair_scores([(FERRY, FERRY_RETOLD)], first_order)[0]
    assert (same, unrelated) == (1.0, 0.0)
    assert 0.0 < retold < 1.0


def test_the_second_order_relates_stories_through_the_batch() -> None:
    """Two stories sharing no word become related through stories that share words with both:
    what the first-order cosine cannot see."""
    taliban = "Taliban fighters attacked a checkpoint near Kandahar."
    qaeda = "Al-Qaeda leaders were reported hiding in Tora Bora."
    bridges = [
        "Kandahar and Tora Bora: the Taliban and al-Qaeda retreat.",
        "US forces searched Tora Bora and Kandahar for Taliban and al-Qaeda leaders.",
    ]
    pairs = [(taliban, qaeda), *((bridge, bridge) for bridge in bridges)]
    assert pair_scores(pairs, Weighting(second_order=False))[0] == 0.0
    assert pair_scores(pairs)[0] > 0.2


def test_names_inside_a_sentence_are_entities_the_first_word_is_not() -> None:
    found = {t.term: t.entity for t in tokens("Police said Natasha Stott Despoja resigned.")}
    assert found == {
        "polic": False,
        "said": False,
        "natasha": True,
        "stott": True,
        "despoja": True,
        "resign": False,
    }
    after_stop = tokens("It rained. Sydney flooded")
    assert [t.entity for t in after_stop] == [False, False, False]


def test_only_the_lead_is_marked_as_lead() -> None:
    text = " ".join("z" * n for n in range(2, similarity.LEAD_WORDS + 7))
    marks = [t.lead for t in tokens(text)]
    assert marks == [True] * similarity.LEAD_WORDS + [False] * 5


def test_terms_fold_accents_acronyms_and_number_separators() -> None:
    def terms(text: str) -> list[str]:
        return [t.term for t in tokens(text)]

    assert terms("Erdoğan") == terms("Erdogan") == ["erdogan"]
    assert terms("U.S. troops") == terms("US troops") == ["US", "troop"]
    assert terms("tell us") == ["tell"]  # the pronoun is a function word, the country is not
    assert terms("1,000 jobs") == terms("1000 jobs") == ["1000", "job"]
    assert terms("al-Qaeda\u2019s") == ["al", "qaeda"]
    assert terms("a 5-2 win") == ["win"]  # lone digits name nothing
