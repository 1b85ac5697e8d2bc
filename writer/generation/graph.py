"""One GPT-2 ONNX graph and its key/value cache: the forward pass the engine decodes with.

Both kinds of graph a pack may hold run through :meth:`Graph.run`: optimum's export
(``text-generation-with-past``), fed plain arrays, and the compact graph of
``models/optimize.py``, whose preallocated key/value buffers are bound as both ``past`` and
``present`` so a step writes its positions in place. The engine builds on it; the model factory
checks its exports with it, so what is measured before shipping is what the app runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from writer.errors import WriterError


class Graph:
    """An onnxruntime session over a GPT-2 graph with past key values; :meth:`from_file` opens one."""

    def __init__(self, threads: int = 2, *, arena: bool = True, spin: bool = False) -> None:
        self.threads = max(1, int(threads))
        self.arena = arena
        self.spin = spin
        self._session: Any = None

    @classmethod
    def from_file(cls, model: Path, threads: int = 2) -> Graph:
        """The graph in the ONNX file ``model``, ready to run (the factory's way in)."""
        graph = cls(threads)
        graph._session = graph._open(Path(model), str(model))
        return graph

    def _open(self, model: Path, what: str) -> Any:
        """A session over ``model`` with the app's options; its inputs and outputs noted. ``what``
        names the file in errors."""
        import onnxruntime as ort

        so = ort.SessionOptions()
        so.intra_op_num_threads = self.threads
        so.inter_op_num_threads = 1
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        so.enable_cpu_mem_arena = self.arena
        so.log_severity_level = 3
        so.add_session_config_entry("session.disable_quant_qdq", "1")
        so.add_session_config_entry("session.intra_op.allow_spinning", "1" if self.spin else "0")
        try:
            session = ort.InferenceSession(str(model), so, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own exception types for bad files
            first = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
            raise WriterError(f"{what} could not be loaded ({first}).") from None
        inputs = {i.name: i for i in session.get_inputs()}
        self.past_names = sorted((n for n in inputs if n.startswith("past_key_values.")),
                                 key=lambda n: (int(n.split(".")[1]), n.endswith(".value")))
        if "input_ids" not in inputs or not self.past_names:
            raise WriterError(f"{what} is not a GPT-2 export with past key values "
                              "(export it with --task text-generation-with-past).")
        shape = inputs[self.past_names[0]].shape
        self.n_head, self.head_dim = int(shape[1]), int(shape[3])
        self.int_type = np.int32 if inputs["input_ids"].type == "tensor(int32)" else np.int64
        self.has_positions = "position_ids" in inputs
        self.has_mask = "attention_mask" in inputs
        # a compact graph (models/optimize.py) attends over preallocated buffers written in place
        self.compact = {"total_sequence_length", "seqlens_k", "logits_from"} <= set(inputs)
        outputs = [o.name for o in session.get_outputs()]
        self.present_names = [n.replace("past_key_values.", "present.") for n in self.past_names]
        if "logits" not in outputs or any(n not in outputs for n in self.present_names):
            raise WriterError(f"{what} lacks the logits/present outputs of a text-generation-with-past export.")
        self.output_names = ["logits", *self.present_names]
        return session

    def _failed(self, exc: Exception) -> WriterError:
        return WriterError(f"The model failed while generating: {str(exc).splitlines()[0][:300]}")

    # -- model calls -----------------------------------------------------------------------
    def empty_past(self, batch: int, capacity: int = 0) -> list[np.ndarray]:
        """A cache holding nothing; a compact graph's has room for ``capacity`` positions."""
        size = capacity if self.compact else 0
        return [np.zeros((batch, self.n_head, size, self.head_dim), np.float32) for _ in self.past_names]

    def with_room(self, past: Sequence[np.ndarray], start: int, capacity: int,
                  rows: int | None = None) -> list[np.ndarray]:
        """Fresh arrays holding the first ``start`` positions of ``past`` (repeated to ``rows``).

        For a compact graph they have room for ``capacity`` positions, since the graph writes
        new keys in place; an optimum graph returns a grown copy itself, so it gets exact sizes.
        """
        size = max(capacity, start) if self.compact else start
        out = []
        for p in past:
            buf = np.empty((rows or p.shape[0], self.n_head, size, self.head_dim), np.float32)
            buf[:, :, :start] = p[:, :, :start]
            out.append(buf)
        return out

    def run(self, ids: np.ndarray, past: Sequence[np.ndarray], start: int,
            last_only: bool = False) -> tuple[np.ndarray, list[np.ndarray]]:
        """One forward pass of ``ids`` [batch, new] after the first ``start`` positions of ``past``.

        Returns logits (with ``last_only``, a compact graph computes the last position's alone,
        so only ``[:, -1]`` may be used) and the cache including ``ids``. A compact graph writes into ``past``
        itself (grown first when it lacks room), so callers pass arrays nobody else reads.
        """
        batch, new = ids.shape
        positions = np.broadcast_to(np.arange(start, start + new, dtype=self.int_type), (batch, new)).copy()
        try:
            if self.compact:
                return self._run_compact(ids, positions, list(past), start, new - 1 if last_only else 0)
            feed: dict[str, np.ndarray] = {"input_ids": ids.astype(self.int_type, copy=False)}
            if self.has_mask:
                feed["attention_mask"] = np.ones((batch, start + new), self.int_type)
            if self.has_positions:
                feed["position_ids"] = positions
            for name, value in zip(self.past_names, past, strict=True):
                feed[name] = value
            out = self._session.run(self.output_names, feed)
        except Exception as exc:
            raise self._failed(exc) from None
        return out[0], out[1:]

    def _run_compact(self, ids: np.ndarray, positions: np.ndarray, past: list[np.ndarray],
                     start: int, logits_from: int) -> tuple[np.ndarray, list[np.ndarray]]:
        import onnxruntime as ort

        batch, new = ids.shape
        end = start + new
        if past[0].shape[2] < end:
            past = self.with_room(past, start, end)
        binding = self._session.io_binding()
        binding.bind_cpu_input("input_ids", np.ascontiguousarray(ids, dtype=self.int_type))
        binding.bind_cpu_input("position_ids", positions)
        binding.bind_cpu_input("seqlens_k", np.full(batch, end - 1, np.int32))
        binding.bind_cpu_input("total_sequence_length", np.array(end, np.int32))
        binding.bind_cpu_input("logits_from", np.array([logits_from], np.int64))
        binding.bind_output("logits")
        for name, out_name, buf in zip(self.past_names, self.present_names, past, strict=True):
            value = ort.OrtValue.ortvalue_from_numpy(buf)  # shares the array's memory
            binding.bind_ortvalue_input(name, value)
            binding.bind_ortvalue_output(out_name, value)
        self._session.run_with_iobinding(binding)
        return binding.get_outputs()[0].numpy(), past
