"""Style-model suggestions: model packs, the ONNX generation engine and perplexity scoring.

Plain Python (onnxruntime, tokenizers, numpy): no Qt, so the CLI, the UI's workers and the
model factory all use the same code.
"""

from writer.generation.engine import Engine, EngineCache, Generation, engines
from writer.generation.packs import Pack, PackInfo, add_pack, discover, find
from writer.generation.sampling import SamplerSettings

__all__ = ["Engine", "EngineCache", "Generation", "Pack", "PackInfo", "SamplerSettings", "add_pack", "discover",
           "engines", "find"]
