"""``writer suggest`` and ``writer sample``: continuations from a model pack, streamed to the terminal."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from writer.commands._args import int_between, seed
from writer.errors import WriterError
from writer.settings import Settings
from writer.textfiles import read_text

MAX_N = 8  # continuations at once: the suggest.n setting's own limit
TOKENS = int_between(1, 100_000)  # the pack's context limits it further, with its own message
ALTERNATIVES = 5  # per token with --tokens, as the editor's token view shows


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("suggest", help="continue a text with a model pack")
    _common(p)
    p.add_argument("--max-new-tokens", type=TOKENS, help="longest continuation in tokens (default: setting)")
    p.add_argument("--temperature", type=float, help="randomness, 0 for the likeliest words (default: the pack's)")
    p.add_argument("--top-p", type=float, help="nucleus sampling threshold (default: the pack's)")
    p.add_argument("--top-k", type=int_between(0, 2**31), help="sample among this many likeliest tokens, 0 for all")
    p.add_argument("--stop", choices=("sentence", "paragraph"), help="end each continuation there")
    p.add_argument("--memory", default="", help="a note always placed before the text")
    p.add_argument("--tokens", action="store_true",
                   help=f"with --json: each suggestion's tokens, with the pack's probability of each and its "
                        f"{ALTERNATIVES} likeliest alternatives there")
    p.add_argument("prompt", help="the text to continue, or - to read it from stdin")
    p.set_defaults(func=_suggest)

    p = subparsers.add_parser("sample", help="text from a model pack with no prompt at all")
    _common(p)
    p.add_argument("--max-new-tokens", type=TOKENS, help="length in tokens (default: setting)")
    p.set_defaults(func=_sample)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", help="pack name (default: the suggest.default_model setting)")
    p.add_argument("--n", type=int_between(1, MAX_N),
                   help=f"how many continuations, at most {MAX_N} (default: setting)")
    p.add_argument("--seed", type=seed, help="make the result reproducible")
    p.add_argument("--json", action="store_true", help="print JSON when done (with each suggestion's score)")
    p.add_argument("--raw", action="store_true",
                   help="plain sampling, for comparison: no word healing, clean endings, name avoidance, junk "
                        "cuts or best-of ranking (streamed as it comes)")


def _run(args: argparse.Namespace, prompt: str) -> int:
    from writer.generation import engines
    from writer.generation.polish import Polish
    from writer.generation.sampling import SamplerSettings

    tokens = getattr(args, "tokens", False)
    if tokens and not args.json:
        raise WriterError("--tokens lists each suggestion's tokens in the JSON output; add --json.")
    settings = Settings.load()
    if args.model is not None and not args.model.strip():
        raise WriterError("--model is empty; give a pack name (`writer models list` shows them).")
    name = args.model if args.model is not None else settings.get("suggest.default_model")
    n = args.n if args.n is not None else settings.get("suggest.n")
    engine = engines().get(name)
    preset = SamplerSettings.from_dict(engine.pack.sampler)
    sampler = preset.with_overrides(
        max_new_tokens=args.max_new_tokens if args.max_new_tokens is not None else (
            None if "max_new_tokens" in (engine.pack.card.get("sampler") or {})
            else settings.get("suggest.max_new_tokens")),
        temperature=getattr(args, "temperature", None), top_p=getattr(args, "top_p", None),
        top_k=getattr(args, "top_k", None))
    sampler = SamplerSettings(**sampler.as_dict())  # validate the overrides
    polish = None if args.raw else Polish(avoid_names=bool(settings.get("suggest.avoid_names")))
    stream = not args.json and polish is None  # a polished batch is known only once ranked
    def on_step(_step: int, deltas: list[str]) -> None:
        # one row at a time on a terminal: row 0 live, the others printed as they complete
        if deltas[0]:
            sys.stdout.write(deltas[0])
            sys.stdout.flush()

    if stream and n > 1:
        print("[1]", end=" ", flush=True)
    result = engine.generate(prompt, n=n, settings=sampler, seed=args.seed, stop=getattr(args, "stop", None),
                             memory=getattr(args, "memory", ""), on_step=on_step if stream else None,
                             polish=polish, alternatives=ALTERNATIVES if tokens else 0)
    if args.json:
        out: dict[str, Any] = {"model": engine.pack.name, "prompt": prompt, **result.as_dict()}
        if tokens:
            out["tokens"] = [[t.as_dict() for t in row] for row in result.tokens]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    if stream:
        print()
    for i, text in enumerate(result.texts[1:] if stream else result.texts, start=2 if stream else 1):
        print(f"[{i}] {text}" if n > 1 else text)
    sys.stdout.flush()  # the seed line goes to stderr: keep it after the texts on a terminal
    print(f"(seed {result.seed})", file=sys.stderr)
    return 0


def _suggest(args: argparse.Namespace) -> int:
    prompt = read_text("-") if args.prompt == "-" else args.prompt
    if not prompt.strip():
        raise WriterError("The prompt is empty; give some text to continue (or use 'writer sample').")
    return _run(args, prompt)


def _sample(args: argparse.Namespace) -> int:
    return _run(args, "")
