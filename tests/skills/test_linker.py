from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from skills.conftest import TrigramEncoder
from trellis.core.linking import Concept
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


def test_the_broader_concept_gains_from_its_narrower_one(encoder: TrigramEncoder, concepts: list[Concept]) -> None:
    flat = ConceptLinker(encoder, LinkerParams(structure_share=0.0)).fit(concepts)
    shared = ConceptLinker(encoder, LinkerParams(structure_share=0.5)).fit(concepts)
    finance = [c.id for c in concepts].index("esco:finance")
    before, after = flat.score(["budgeting"])[0, finance], shared.score(["budgeting"])[0, finance]
    assert after > before


def test_label_vectors_are_cached_on_disk_and_reused(
    encoder: TrigramEncoder, concepts: list[Concept], tmp_path: Path
) -> None:
    first = ConceptLinker(encoder, cache_dir=tmp_path, namespace=("company", "v1", "skills")).fit(concepts)
    encoded = encoder.texts_encoded
    second = ConceptLinker(encoder, cache_dir=tmp_path, namespace=("company", "v1", "skills")).fit(concepts)
    assert encoder.texts_encoded == encoded
    assert np.array_equal(first.label_vectors_, second.label_vectors_)
    assert len(list(tmp_path.glob("company-v1-skills-*-trigram-test.npy"))) == 1
    edited = [*concepts, Concept("esco:go", "Go (computer programming)")]
    ConceptLinker(encoder, cache_dir=tmp_path, namespace=("company", "v1", "skills")).fit(edited)
    assert len(list(tmp_path.glob("*.npy"))) == 2


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


def test_the_alias_projection_is_fitted_on_the_taxonomys_own_labels(
    encoder: TrigramEncoder, concepts: list[Concept]
) -> None:
    many = [Concept(f"c{i}", f"skill number {i}", (f"alias {i}", f"other name {i}")) for i in range(80)]
    plain = ConceptLinker(encoder).fit(many)
    adapted = ConceptLinker(encoder, LinkerParams(projection_alpha=1.0)).fit(many)
    assert plain.projection_ is None
    assert adapted.projection_ is not None and adapted.projection_.shape == (64, 64)
    assert np.allclose(np.linalg.norm(adapted.label_vectors_, axis=1), 1.0, atol=1e-5)
    assert adapted.link(["alias 7"], k=1)[0][0].id == "c7"
    too_few = ConceptLinker(encoder, LinkerParams(projection_alpha=1.0)).fit(concepts)
    assert too_few.projection_ is None
