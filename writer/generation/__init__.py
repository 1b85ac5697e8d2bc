"""Style-model suggestions: model packs, the ONNX generation engine and perplexity scoring.

Plain Python (onnxruntime, tokenizers, numpy): no Qt, so the CLI, the UI's workers and the
model factory all use the same code.
"""

from importlib import import_module
from typing import Any

# Names re-exported lazily (PEP 562): importing a submodule such as ``packs`` must not load
# numpy and onnxruntime, which the app's window does not need to open.
_EXPORTS = {
    "Engine": "engine", "EngineCache": "engine", "Generation": "engine", "engines": "engine",
    "Pack": "packs", "PackInfo": "packs", "add_pack": "packs", "discover": "packs", "find": "packs",
    "SamplerSettings": "sampler_settings",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f"writer.generation.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'writer.generation' has no attribute {name!r}")
