from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from skills.conftest import TrigramEncoder
from trellis.core.linking import Concept
from trellis.embedding import index
from trellis.skills import lexical
from trellis.skills.linker import ConceptLinker, LinkerParams


def test_an_alias_links_to_its_concept_first(encoder: TrigramEncoder, concepts: list[Concept]) -> None:
    linker = ConceptLinker(encoder).fit(concepts)
    (links,) = linker.link(["postgres"], k=3)
    assert links[0].id == "esco:postgres"
    assert links[0].label == "PostgreSQL"
    assert [link.score for link in links] == sorted((link.score for link in links), reverse=True)


def test_a_sentence_ranks_every_skill_it_mentions_near_the_top(
    encoder: TrigramEncoder, concepts: list[Concept]
) -> None:
    linker = ConceptLinker(encoder).fit(concepts)
    (links,) = linker.link(["You will own budgeting and write Python every day."], k=3)
    assert {"esco:budgets", "esco:python"} <= {link.id for link in links}


def test_a_batch_is_encoded_in_one_call(encoder: TrigramEncoder, concepts: list[Concept]) -> None:
    linker = ConceptLinker(encoder).fit(concepts)
    calls = encoder.calls
    results = linker.link(["python", "java developer", "managing stakeholders"], k=2)
    assert encoder.calls == calls + 1
    assert len(results) == 3 and all(len(r) == 2 for r in results)


def test_each_link_names_the_span_that_carried_it(encoder: TrigramEncoder, concepts: list[Concept]) -> None:
    linker = ConceptLinker(encoder).fit(concepts)
    text = "You will own budgeting and write Python every day."
    (links,) = linker.link([text], k=7)
    python = next(link for link in links if link.id == "esco:python")
    assert python.evidence == "Python" and text[python.start : python.end] == "Python"


def test_every_candidate_is_scored_by_its_best_span_even_one_the_index_found_for_another_query(
    encoder: TrigramEncoder, concepts: list[Concept]
) -> None:
    text = "You will own budgeting and write Python every day."
    exact = ConceptLinker(encoder, LinkerParams(candidates=1, w_lexical=0.0, w_exact=0.0)).fit(concepts)
    hits_only = ConceptLinker(encoder, LinkerParams(candidates=1, w_lexical=0.0, w_exact=0.0, exact_spans=False))
    hits_only.fit(concepts)
    (links,) = exact.link([text], k=10)
    assert all(link.start >= 0 and text[link.start : link.end] == link.evidence for link in links)
    fallback = {link.id: link.score for link in hits_only.link([text], k=10)[0]}
    assert all(link.score >= fallback[link.id] - 1e-6 for link in links if link.id in fallback)


def test_with_one_index_query_per_text_the_spans_still_score_the_candidates_and_carry_the_evidence(
    encoder: TrigramEncoder, concepts: list[Concept]
) -> None:
    linker = ConceptLinker(encoder, LinkerParams(span_queries=False, text_candidates=8, lexical_candidates=8))
    linker.fit(concepts)
    searched: list[int] = []
    linker.index_ = _Counting(linker.index_, searched)  # type: ignore[assignment]
    text = "You will own budgeting and write Python every day."
    (links,) = linker.link([text], k=3)
    assert searched == [1]  # the sentence alone, none of its spans
    python = next(link for link in links if link.id == "esco:python")
    assert python.evidence == "Python" and text[python.start : python.end] == "Python"


class _Counting:
    """An index that records how many queries each search asks."""

    def __init__(self, inner: object, calls: list[int]) -> None:
        self.inner, self.calls = inner, calls

    def search(self, queries: np.ndarray, *args: object, **kw: object) -> object:
        self.calls.append(len(queries))
        return self.inner.search(queries, *args, **kw)  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


def test_a_text_with_no_candidate_gets_an_empty_list(encoder: TrigramEncoder, concepts: list[Concept]) -> None:
    linker = ConceptLinker(encoder, LinkerParams(candidates=0)).fit(concepts)
    assert linker.link(["zzzz"], k=3) == [[]]


def test_label_vectors_are_cached_on_disk_and_reused(
    encoder: TrigramEncoder, concepts: list[Concept], tmp_path: Path
) -> None:
    first = ConceptLinker(encoder, cache_dir=tmp_path, namespace=("company", "v1", "skills")).fit(concepts)
    encoded = encoder.texts_encoded
    second = ConceptLinker(encoder, cache_dir=tmp_path, namespace=("company", "v1", "skills")).fit(concepts)
    assert encoder.texts_encoded == encoded
    assert np.array_equal(first.index_.vectors, second.index_.vectors)
    assert isinstance(second.index_.vectors, np.memmap)  # shared by every process through the page cache
    assert len(list(tmp_path.glob(f"company-v1-skills-*-trigram-test.{index.FORMAT}"))) == 1
    edited = [*concepts, Concept("esco:go", "Go (computer programming)")]
    ConceptLinker(encoder, cache_dir=tmp_path, namespace=("company", "v1", "skills")).fit(edited)
    assert len(list(tmp_path.glob(f"*.{index.FORMAT}"))) == 2
    assert len(list(tmp_path.glob(f"*.{lexical.FORMAT}"))) == 2


def test_an_index_kept_as_float16_by_an_earlier_version_is_converted_without_encoding_again(
    encoder: TrigramEncoder, concepts: list[Concept], tmp_path: Path
) -> None:
    first = ConceptLinker(encoder, cache_dir=tmp_path, namespace=("company", "v1", "skills")).fit(concepts)
    before = first.link(["python budgets"], k=2)[0]
    (folder,) = tmp_path.glob(f"*.{index.FORMAT}")
    old = folder.with_suffix(f".{index.OLD_FORMAT}")
    folder.rename(old)
    sorted_vectors = first.index_.rows_of(first.index_.rows).astype(np.float16)
    for name in ("vectors", "scales"):  # ivf2: float16 vectors, no scales
        (old / f"{name}.npy").unlink()
    np.save(old / "vectors.npy", sorted_vectors)
    encoded = encoder.texts_encoded
    second = ConceptLinker(encoder, cache_dir=tmp_path, namespace=("company", "v1", "skills")).fit(concepts)
    assert encoder.texts_encoded == encoded
    assert second.index_.vectors.dtype == np.int16 and folder.exists()
    again = second.link(["python budgets"], k=2)[0]
    assert [link.id for link in again] == [link.id for link in before]
    assert np.allclose([link.score for link in again], [link.score for link in before], atol=1e-3)


def test_with_a_bonus_for_the_most_specific_concept_a_title_links_to_the_narrower_occupation(
    encoder: TrigramEncoder,
) -> None:
    roles = [
        Concept("r:manager", "shop manager"),
        Concept("r:bakery", "bakery shop manager", broader=("r:manager",)),
    ]
    plain = LinkerParams(spans=False, w_lexical=0.0, w_exact=0.0)
    title = "shop manager (bakery)"
    assert ConceptLinker(encoder, plain).fit(roles).link([title], k=1)[0][0].id == "r:manager"
    specific = ConceptLinker(encoder, LinkerParams(spans=False, w_lexical=0.0, w_exact=0.0, w_specific=0.5))
    assert specific.fit(roles).link([title], k=1)[0][0].id == "r:bakery"


def test_a_title_close_to_a_concepts_description_ranks_it_higher_when_descriptions_weigh(
    encoder: TrigramEncoder, tmp_path: Path
) -> None:
    roles = [
        Concept("r:analyst", "analyst", description="studies sales figures"),
        Concept("r:clerk", "analyst clerk", description="files papers"),
    ]
    plain = ConceptLinker(encoder, LinkerParams(spans=False, w_lexical=0.0, w_exact=0.0)).fit(roles)
    described = ConceptLinker(
        encoder, LinkerParams(spans=False, w_lexical=0.0, w_exact=0.0, w_description=2.0), cache_dir=tmp_path,
        namespace=("company", "v1", "titles"),
    ).fit(roles)
    text = "analyst clerk of sales figures"
    assert plain.link([text], k=1)[0][0].id == "r:clerk"
    assert described.link([text], k=1)[0][0].id == "r:analyst"
    assert len(list(tmp_path.glob(f"company-v1-titles-descriptions-*.{index.FORMAT}"))) == 1


def test_autocomplete_matches_the_start_of_any_word_preferred_labels_first(
    encoder: TrigramEncoder, concepts: list[Concept]
) -> None:
    linker = ConceptLinker(encoder).fit(concepts)
    assert [link.id for link in linker.complete("java")] == ["esco:java", "esco:javascript"]
    assert [link.id for link in linker.complete("stakeh")] == ["esco:stakeholders"]
    assert linker.complete("  ") == []
    assert linker.complete("zzz") == []
    started = time.perf_counter()
    for _ in range(100):
        linker.complete("man")
    assert (time.perf_counter() - started) / 100 < 0.005


def test_spans_that_neither_query_the_index_nor_score_every_candidate_are_refused() -> None:
    with pytest.raises(ValueError, match="exact_spans"):
        LinkerParams(span_queries=False, exact_spans=False)
