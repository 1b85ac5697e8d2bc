"""Step 3: train GPT-2 (``transformers.GPT2LMHeadModel``) from scratch or fine-tune a base.

A plain loop in the manner of nanoGPT, run through Accelerate so the same recipe runs on a
CPU, one GPU, or several with ``accelerate launch``. The learning rate follows a cosine over
whichever runs out first, the token budget or the time budget, so a run cut short by
``--max-minutes`` still ends on a low learning rate. Checkpoints are written atomically and
a rerun resumes from the last one.
"""

from __future__ import annotations

import json
import math
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from tqdm import tqdm
from transformers import GPT2Config, GPT2LMHeadModel

from writer.errors import WriterError

CHECKPOINT, FINAL, STATE = "checkpoint", "model", "state.pt"


class TokenFile:
    """Random training windows and fixed evaluation windows over a uint16 token file."""

    def __init__(self, path: Path, seq_len: int):
        if not path.is_file():
            raise WriterError(f"token file missing: {path} (run the tokenize step first)")
        tokens = path.stat().st_size // 2
        if tokens <= seq_len + 1:  # also an empty file, which np.memmap cannot map
            raise WriterError(f"{path} has {tokens} tokens, fewer than one window of {seq_len}: give the "
                              "recipe more text (corpus.sets / corpus.ids), or a shorter train.seq_len")
        self.data = np.memmap(path, dtype=np.uint16, mode="r")
        self.seq_len = seq_len

    def batch(self, size: int, gen: torch.Generator) -> torch.Tensor:
        starts = torch.randint(len(self.data) - self.seq_len - 1, (size,), generator=gen).tolist()
        return torch.from_numpy(np.stack([self.data[s:s + self.seq_len + 1].astype(np.int64) for s in starts]))

    def fixed_batches(self, count: int, size: int) -> list[torch.Tensor]:
        """Evenly spaced windows, the same every time, so eval losses compare across steps."""
        n = count * size
        span = len(self.data) - self.seq_len - 1
        starts = np.linspace(0, span, n, dtype=np.int64)
        rows = [self.data[s:s + self.seq_len + 1].astype(np.int64) for s in starts]
        return [torch.from_numpy(np.stack(rows[i:i + size])) for i in range(0, n, size)]


def resolve_base(base: str, runs_dir: Path) -> str:
    """A recipe name means that recipe's trained model in ``runs/``; else a path or hub id."""
    if (runs_dir / base / FINAL / "config.json").is_file():
        return str(runs_dir / base / FINAL)
    if Path(base).is_dir():
        return base
    if "/" not in base and not base.startswith("gpt2") and base.isidentifier():
        raise WriterError(f"base model '{base}' has not been trained yet: build its recipe first "
                          f"(expected {runs_dir / base / FINAL})")
    return base  # a hub id such as "gpt2": transformers downloads it (needs internet)


def new_model(recipe: dict[str, Any], vocab_size: int, eos_id: int, runs_dir: Path) -> GPT2LMHeadModel:
    m = recipe["model"]
    if m["base"]:
        model = GPT2LMHeadModel.from_pretrained(resolve_base(m["base"], runs_dir))
        if model.config.vocab_size < vocab_size:
            raise WriterError(f"base vocabulary ({model.config.vocab_size}) is smaller than the tokenizer's "
                              f"({vocab_size}): a fine-tune must reuse its base's tokenizer")
        model.config.resid_pdrop = model.config.embd_pdrop = model.config.attn_pdrop = m["dropout"]
        return model
    config = GPT2Config(vocab_size=vocab_size, n_positions=m["n_positions"], n_embd=m["n_embd"],
                        n_layer=m["n_layer"], n_head=m["n_head"], resid_pdrop=m["dropout"],
                        embd_pdrop=m["dropout"], attn_pdrop=m["dropout"], bos_token_id=eos_id,
                        eos_token_id=eos_id)
    return GPT2LMHeadModel(config)


def lr_at(progress: float, t: dict[str, Any], step: int) -> float:
    if step < t["warmup_steps"]:
        return t["lr"] * (step + 1) / t["warmup_steps"]
    p = min(1.0, progress)
    return t["min_lr"] + 0.5 * (t["lr"] - t["min_lr"]) * (1 + math.cos(math.pi * p))


@torch.no_grad()
def mean_loss(model: torch.nn.Module, batches: list[torch.Tensor], accelerator: Accelerator) -> float:
    model.eval()
    losses = []
    for b in batches:
        b = b.to(accelerator.device)
        with accelerator.autocast():
            losses.append(model(input_ids=b[:, :-1], labels=b[:, :-1]).loss.item())
    model.train()
    return float(np.mean(losses))


def _compiled(model: torch.nn.Module, probe: torch.Tensor, accelerator: Accelerator) -> torch.nn.Module:
    """``torch.compile`` where it works; the eager model (with a warning) where it does not."""
    try:
        compiled = torch.compile(model)
        with accelerator.autocast():
            compiled(input_ids=probe[:, :-1], labels=probe[:, :-1]).loss.backward()
        model.zero_grad(set_to_none=True)
        return compiled
    except Exception as exc:  # compilers fail in many ways; training must go on regardless
        accelerator.print(f"torch.compile failed ({type(exc).__name__}: {exc}); training eagerly")
        model.zero_grad(set_to_none=True)
        return model


def _save(model: GPT2LMHeadModel, out: Path, extra: dict[str, Any] | None = None) -> None:
    """Write to a sibling temp folder, then swap it in: a kill never leaves half a checkpoint."""
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(tmp, safe_serialization=True)
    if extra is not None:
        torch.save(extra, tmp / STATE)
    old = out.with_name(out.name + ".old")
    if out.exists():
        out.rename(old)
    tmp.rename(out)
    shutil.rmtree(old, ignore_errors=True)


@dataclass
class _Run:
    """What the training loop carries from step to step: counts, losses, and the best weights so far."""

    step: int
    tokens: int
    history: list[dict[str, Any]]
    train_loss: float = math.nan  # smoothed over steps
    eval_loss: float = math.nan
    valid_loss: float = math.nan
    best_loss: float = math.inf  # of the judged loss (validation where there is one, else evaluation)
    best_eval: float = math.nan
    best_state: dict[str, torch.Tensor] | None = None
    stale: int = 0  # evaluations since the best one


def train(recipe: dict[str, Any], run_dir: Path, *, runs_dir: Path, max_minutes: float | None = None,
          cpu: bool = False, progress: bool = True,
          on_progress: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
    """Train the recipe's model in ``run_dir`` (tokens/, tokenizer.json there) and save ``model/``.

    ``on_progress`` gets a dict every few seconds and at each evaluation (step, tokens/s, losses,
    seconds done and left): what the app's training view and ``writer models train --json`` show.
    """
    from tokenizers import Tokenizer

    t = recipe["train"]
    budget_s = 60 * (max_minutes if max_minutes is not None else t["max_minutes"])
    accelerator = Accelerator(mixed_precision="bf16" if t["bf16"] else "no", cpu=cpu)
    set_seed(t["seed"])
    tok = Tokenizer.from_file(str(run_dir / "tokenizer.json"))
    train_data, eval_batches, valid_batches = _data(run_dir, t)
    ckpt = run_dir / CHECKPOINT
    model, state = _start(recipe, ckpt, tok, runs_dir, accelerator)
    raw = model
    opt = _optimizer(model, t, accelerator)
    if "optimizer" in state:
        opt.load_state_dict(state["optimizer"])
    model, opt = accelerator.prepare(model, opt)
    if t["compile"]:
        probe = train_data.batch(t["batch_size"], torch.Generator().manual_seed(0)).to(accelerator.device)
        model = _compiled(model, probe, accelerator)
    gen = torch.Generator().manual_seed(t["seed"] + accelerator.process_index)
    if "rng" in state:
        gen.set_state(state["rng"])

    per_step = t["batch_size"] * t["seq_len"] * t["grad_accum"] * accelerator.num_processes
    start, elapsed0 = time.time(), state["elapsed"]
    run = _Run(step=state["step"], tokens=state["tokens"], history=state["history"])
    bar = tqdm(total=None, mininterval=5, disable=not (progress and accelerator.is_main_process), unit="step",
               desc=recipe["name"], dynamic_ncols=True)
    model.train()
    last_report, done = 0.0, False
    while not done:
        elapsed = elapsed0 + time.time() - start
        frac = max(elapsed / budget_s if budget_s else 0.0, run.tokens / t["max_tokens"] if t["max_tokens"] else 0.0)
        lr = lr_at(frac, t, run.step)
        lv = _train_step(model, opt, train_data, gen, t, accelerator, lr)
        run.step += 1
        run.tokens += per_step
        run.train_loss = lv if math.isnan(run.train_loss) else 0.95 * run.train_loss + 0.05 * lv
        done = frac >= 1.0
        if run.step % t["eval_every"] == 0 or done:
            done = _evaluate(run, raw, eval_batches, valid_batches, accelerator, t,
                             {"lr": lr, "elapsed": round(elapsed, 1)}) or done
        if accelerator.is_main_process and (run.step % t["checkpoint_every"] == 0 or done):
            _save(accelerator.unwrap_model(raw), ckpt, {
                "step": run.step, "tokens": run.tokens, "elapsed": elapsed0 + time.time() - start,
                "history": run.history, "optimizer": opt.state_dict(), "rng": gen.get_state()})
        bar.update(1)
        rate = (run.tokens - state["tokens"]) / max(1e-9, time.time() - start)
        if on_progress is not None and (done or run.step % t["eval_every"] == 0 or time.time() - last_report >= 2):
            last_report = time.time()
            on_progress(_progress_event(run, rate, elapsed0 + last_report - start, budget_s,
                                        valid_batches is not None))
        bar.set_postfix(loss=f"{run.train_loss:.3f}", eval=f"{run.eval_loss:.3f}", tok_s=f"{rate:,.0f}",
                        lr=f"{lr:.1e}")
    bar.close()
    accelerator.wait_for_everyone()
    _keep_best(run, accelerator.unwrap_model(raw), valid_batches is not None)
    summary = _summary(run, valid_batches is not None, accelerator, round(elapsed0 + time.time() - start, 1))
    if accelerator.is_main_process:
        _save(accelerator.unwrap_model(raw), run_dir / FINAL)
        (run_dir / "train_summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    return summary


def _data(run_dir: Path, t: dict[str, Any]) -> tuple[TokenFile, list[torch.Tensor], list[torch.Tensor] | None]:
    """The training windows, the fixed evaluation batches, and batches of whole works never trained on
    when the recipe names some: what early stopping and the best model go by."""
    train_data = TokenFile(run_dir / "tokens" / "train.bin", t["seq_len"])
    eval_batches = TokenFile(run_dir / "tokens" / "eval.bin", t["seq_len"]).fixed_batches(
        t["eval_batches"], t["batch_size"])
    valid_file = run_dir / "tokens" / "valid.bin"
    valid_batches = (TokenFile(valid_file, t["seq_len"]).fixed_batches(t["eval_batches"], t["batch_size"])
                     if valid_file.is_file() and valid_file.stat().st_size > 2 * (t["seq_len"] + 2) else None)
    return train_data, eval_batches, valid_batches


def _start(recipe: dict[str, Any], ckpt: Path, tok: Any, runs_dir: Path,
           accelerator: Accelerator) -> tuple[GPT2LMHeadModel, dict[str, Any]]:
    """The model and loop state to go on from: the last checkpoint's, else a new (or base) model at step 0."""
    if (ckpt / STATE).is_file():
        model = GPT2LMHeadModel.from_pretrained(ckpt)
        state = torch.load(ckpt / STATE, weights_only=False)
        accelerator.print(f"resuming {recipe['name']} at step {state['step']} ({state['tokens']:,} tokens)")
        return model, state
    model = new_model(recipe, tok.get_vocab_size(), tok.token_to_id("<|endoftext|>"), runs_dir)
    return model, {"step": 0, "tokens": 0, "elapsed": 0.0, "history": []}


def _optimizer(model: torch.nn.Module, t: dict[str, Any], accelerator: Accelerator) -> torch.optim.AdamW:
    """AdamW with weight decay on the matrices only (not on biases and layer norms)."""
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    return torch.optim.AdamW([{"params": decay, "weight_decay": t["weight_decay"]},
                              {"params": no_decay, "weight_decay": 0.0}], lr=t["lr"], betas=(0.9, 0.95),
                             fused=accelerator.device.type == "cuda")


def _train_step(model: torch.nn.Module, opt: torch.optim.Optimizer, data: TokenFile, gen: torch.Generator,
                t: dict[str, Any], accelerator: Accelerator, lr: float) -> float:
    """One optimiser step at learning rate ``lr`` over ``grad_accum`` batches; the last batch's loss."""
    for group in opt.param_groups:
        group["lr"] = lr
    for _ in range(t["grad_accum"]):
        b = data.batch(t["batch_size"], gen).to(accelerator.device)
        with accelerator.autocast():
            loss = model(input_ids=b[:, :-1], labels=b[:, :-1]).loss / t["grad_accum"]
        accelerator.backward(loss)
    accelerator.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    opt.zero_grad(set_to_none=True)
    return float(loss.item() * t["grad_accum"])


def _evaluate(run: _Run, raw: torch.nn.Module, eval_batches: list[torch.Tensor],
              valid_batches: list[torch.Tensor] | None, accelerator: Accelerator, t: dict[str, Any],
              extra: dict[str, Any]) -> bool:
    """Score the held-out batches, add a history row, keep the best weights; whether training should stop
    (the target loss reached, or ``patience`` evaluations without a better one)."""
    run.eval_loss = mean_loss(raw, eval_batches, accelerator)  # eager: no recompile for eval mode
    row = {"step": run.step, "tokens": run.tokens, "train_loss": round(run.train_loss, 4),
           "eval_loss": round(run.eval_loss, 4), **extra}
    if valid_batches is not None:
        run.valid_loss = mean_loss(raw, valid_batches, accelerator)
        row["valid_loss"] = round(run.valid_loss, 4)
    run.history.append(row)
    judged = run.valid_loss if valid_batches is not None else run.eval_loss
    stop = bool(t["target_loss"]) and judged <= t["target_loss"]
    if t["patience"] or valid_batches is not None:  # keep the best; stop after `patience` worse ones
        if judged < run.best_loss:
            run.best_loss, run.best_eval, run.stale = judged, run.eval_loss, 0
            run.best_state = {k: v.detach().to("cpu", copy=True)
                              for k, v in accelerator.unwrap_model(raw).state_dict().items()}
        else:
            run.stale += 1
            stop = stop or (bool(t["patience"]) and run.stale >= t["patience"])
    return stop


def _progress_event(run: _Run, rate: float, spent: float, budget_s: float, has_valid: bool) -> dict[str, Any]:
    """What ``on_progress`` gets: where training is, how fast it goes and how long it has left."""
    return {"event": "train", "step": run.step, "tokens": run.tokens, "tokens_per_s": round(rate),
            "train_loss": round(run.train_loss, 4), "eval_loss": round(run.eval_loss, 4),
            "valid_loss": round(run.valid_loss, 4) if has_valid else None,
            "seconds": round(spent, 1), "seconds_left": round(max(0.0, budget_s - spent), 1)}


def _keep_best(run: _Run, model: torch.nn.Module, has_valid: bool) -> None:
    """Put the best weights back when the last evaluation was worse than them."""
    judged = run.valid_loss if has_valid else run.eval_loss
    if run.best_state is not None and run.best_loss < judged:
        model.load_state_dict(run.best_state)
        run.eval_loss = run.best_eval
        if has_valid:
            run.valid_loss = run.best_loss


def _summary(run: _Run, has_valid: bool, accelerator: Accelerator, wall_seconds: float) -> dict[str, Any]:
    """``train_summary.json``: what the card and the build log report of the run."""
    return {"steps": run.step, "tokens_seen": run.tokens, "wall_seconds": wall_seconds,
            "train_loss": round(run.train_loss, 4), "eval_loss": round(run.eval_loss, 4),
            **({"valid_loss": round(run.valid_loss, 4), "early_stopped_on": "unseen works"} if has_valid else {}),
            "device": str(accelerator.device) + (f" ({torch.cuda.get_device_name()})"
                                                 if accelerator.device.type == "cuda" else ""),
            "processes": accelerator.num_processes, "history": run.history}
