"""Speed and memory of the skills AI against the peer method, in the same run.

  PYTHONPATH=src python bench/skills_ai_bench.py --db sqlite:///var/esco.db [--sentences 1000] [--skip-cli]

Needs a database with ESCO imported and the label index built once (any `trellis skills link`).
Prints:
1. `trellis skills link`: start to first result for one sentence, and a whole file of job-ad
   sentences (SkillSpan dev, one per line): wall time, sentences/s, peak RSS of the process;
2. in process, after load: our linker (ONNX int8, spans pooled in context, index look-up and
   re-ranking) against the peer method, all-MiniLM-L6-v2 through sentence-transformers (torch,
   fp32) encoding each sentence and taking the cosine to every ESCO label (the label vectors are
   the fp32 index's, which equal sentence-transformers' to 1e-6), same sentences, same process;
3. label search for span queries: the numpy inverted file against exact numpy (matrix product +
   argpartition) and faiss (IndexFlatIP, IndexIVFFlat), time and recall of the 16 best labels."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from extraction_eval import read_conll

from trellis.core.linking import max_per_concept, top_k


def job_ad_sentences(eval_dir: Path, n: int) -> list[str]:
    rows = [text for name in ("tech", "house")
            for text, _ in read_conll(eval_dir / "skillspan" / f"skillspan_{name}_dev.conll")]
    return [t for t in rows if len(t.split()) >= 4][:n]


def run_cli(trellis: str, db: str, lines: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(seconds to the first output line, seconds in all, peak RSS in MB) of `skills link`."""
    data = "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(lines)).encode()
    started = time.perf_counter()
    process = subprocess.Popen([trellis, "skills", "link", "--top", "10", "--db", db], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(data)
    process.stdin.close()
    first = process.stdout.readline()
    first_at = time.perf_counter() - started
    rest = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    total = time.perf_counter() - started
    assert status == 0 and first, "skills link failed"
    assert len(rest.splitlines()) + 1 == len(lines)
    return first_at, total, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--eval", type=Path, default=Path("../shared/data/eval"))
    parser.add_argument("--sentences", type=int, default=1000)
    parser.add_argument("--trellis", default=".venv/bin/trellis")
    parser.add_argument("--skip-cli", action="store_true")
    parser.add_argument("--only-search", action="store_true", help="only part 3")
    args = parser.parse_args()
    sentences = job_ad_sentences(args.eval, args.sentences)
    words = statistics.fmean(len(s.split()) for s in sentences)
    print(f"{len(sentences)} job-ad sentences (SkillSpan dev), {words:.1f} words on average; "
          f"load average {os.getloadavg()[0]:.1f}")

    if not args.skip_cli and not args.only_search:
        env = dict(os.environ)
        starts = [run_cli(args.trellis, args.db, sentences[:1], env) for _ in range(3)]
        print(f"1. skills link, one sentence: first result after {statistics.median(s[0] for s in starts):.2f} s "
              f"(median of 3), peak RSS {max(s[2] for s in starts):.0f} MB")
        first, total, rss = run_cli(args.trellis, args.db, sentences, env)
        print(f"   skills link, {len(sentences)} sentences: {total:.1f} s wall, first result {first:.2f} s, "
              f"{len(sentences) / total:.0f} sentences/s end to end, peak RSS {rss:.0f} MB")

    from trellis.config import get_settings
    from trellis.db import make_engine, make_session_factory, session_scope
    from trellis.embedding.encoder import Encoder, model_path
    from trellis.skills.service import get_skill_linker

    engine = make_engine(args.db)
    with session_scope(make_session_factory(engine)) as session:
        started = time.perf_counter()
        linker = get_skill_linker(session, data_dir=get_settings().data_dir)
        fit_s = time.perf_counter() - started
        if args.only_search:
            search_part(linker)
            return
        fp32 = get_skill_linker(session, data_dir=get_settings().data_dir,
                                encoder=Encoder(precision="fp32"))
    linker.link(sentences[:8])
    started = time.perf_counter()
    ours = linker.link(sentences, k=10)
    ours_s = time.perf_counter() - started
    print(f"2. ours (ONNX int8 + spans + index): linker ready in {fit_s:.2f} s; "
          f"{len(sentences) / ours_s:.0f} sentences/s")
    started = time.perf_counter()
    for first in range(0, len(sentences), 32):
        linker.encoder.encode_tokens(sentences[first : first + 32])  # type: ignore[attr-defined]
    encoder_s = time.perf_counter() - started
    print(f"   the encoder alone (ONNX int8, sentence and token vectors, batches of 32): "
          f"{len(sentences) / encoder_s:.0f} sentences/s, the ceiling of any linker on this model here")

    from sentence_transformers import SentenceTransformer

    peer = SentenceTransformer(str(model_path()), device="cpu")
    labels = fp32.index_.rows_of(np.arange(len(fp32.index_.rows)))  # original label order, float32
    starts_ = fp32.table_.starts
    peer.encode(sentences[:8])
    started = time.perf_counter()
    vectors = peer.encode(sentences, batch_size=256, normalize_embeddings=True)
    for first in range(0, len(vectors), 64):
        scores = max_per_concept(vectors[first : first + 64] @ labels.T, starts_)
        [top_k(row, 10) for row in scores]
    peer_s = time.perf_counter() - started
    print(f"   peer (sentence-transformers fp32, sentence vs every label): {len(sentences) / peer_s:.0f} sentences/s;"
          f" ours / peer = {peer_s / ours_s:.2f}x")
    started = time.perf_counter()
    peer.encode(sentences, batch_size=256, normalize_embeddings=True)
    print(f"   the peer's encoder alone: {len(sentences) / (time.perf_counter() - started):.0f} sentences/s")
    agree = statistics.fmean(len({x.id for x in a[:10]}) > 0 for a in ours)
    print(f"   (ours returned skills for {agree:.0%} of the sentences)")

    search_part(linker)


PROBES = (12, 32)  # 32: the linker's default (`LinkerParams.probes`)


def search_part(linker) -> None:  # type: ignore[no-untyped-def]
    from threadpoolctl import threadpool_limits

    print("3. label search, span queries against every ESCO label (16 best)")
    layout = linker.index_
    rng = np.random.default_rng(0)
    flat = np.ascontiguousarray(layout.rows_of(layout.rows))  # sorted order, float32 (stored as int16)
    queries = flat[rng.choice(len(layout.rows), 2000, replace=False)]
    queries = queries + 0.35 * rng.standard_normal(queries.shape).astype(np.float32) / np.sqrt(queries.shape[1])
    queries = (queries / np.linalg.norm(queries, axis=1, keepdims=True)).astype(np.float32)
    started = time.perf_counter()
    exact = np.concatenate([np.argpartition(-(queries[i : i + 256] @ flat.T), 15, axis=1)[:, :16]
                            for i in range(0, len(queries), 256)])
    exact_s = time.perf_counter() - started
    truth = [set(layout.rows[row]) for row in exact]
    print(f"   numpy exact: {len(queries) / exact_s:,.0f} queries/s")
    for probes in PROBES:
        started = time.perf_counter()
        with threadpool_limits(limits=1, user_api="blas"):
            found, _ = layout.search(queries, 16, probes=probes, per_cluster=16)
        ivf_s = time.perf_counter() - started
        recall = statistics.fmean(len(set(f) & t) / 16 for f, t in zip(found, truth, strict=True))
        print(f"   numpy inverted file (ours, {probes} lists, at most 16 per list): "
              f"{len(queries) / ivf_s:,.0f} queries/s, recall@16 {recall:.3f}")
    try:
        import faiss
    except ImportError:
        print("   faiss not installed (pip install faiss-cpu): skipped")
        return
    index = faiss.IndexFlatIP(flat.shape[1])
    index.add(flat)
    started = time.perf_counter()
    index.search(queries, 16)
    flat_s = time.perf_counter() - started
    quantizer = faiss.IndexFlatIP(flat.shape[1])
    ivf = faiss.IndexIVFFlat(quantizer, flat.shape[1], layout.clusters, faiss.METRIC_INNER_PRODUCT)
    started = time.perf_counter()
    ivf.train(flat)
    ivf.add(flat)
    build_s = time.perf_counter() - started
    print(f"   faiss IndexFlatIP: {len(queries) / flat_s:,.0f} queries/s")
    for probes in PROBES:
        ivf.nprobe = probes
        started = time.perf_counter()
        _, faiss_found = ivf.search(queries, 16)
        faiss_s = time.perf_counter() - started
        faiss_recall = statistics.fmean(len(set(layout.rows[f[f >= 0]]) & t) / 16
                                        for f, t in zip(faiss_found, truth, strict=True))
        print(f"   faiss IndexIVFFlat ({layout.clusters} lists, nprobe {probes}, built in {build_s:.1f} s): "
              f"{len(queries) / faiss_s:,.0f} queries/s, recall@16 {faiss_recall:.3f}")


if __name__ == "__main__":
    main()
