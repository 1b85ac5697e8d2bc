"""Step 2: a byte-level BPE like GPT-2's, and the token files the trainer reads.

A from-scratch recipe trains its own tokenizer (GPT-2's byte-level pre-tokenizer and decoder,
``<|endoftext|>`` as the only special token); a fine-tune reuses its base's, since the model's
embedding rows are tied to the base's token ids.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

from models.corpus import EOS, iter_documents
from writer.errors import WriterError


def train_tokenizer(texts: list[Path], vocab_size: int, out: Path) -> Tokenizer:
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=[EOS], min_frequency=2,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train([str(p) for p in texts], trainer)
    out.parent.mkdir(parents=True, exist_ok=True)
    tok.save(str(out))
    return tok


def load_tokenizer(path: Path) -> Tokenizer:
    if not path.is_file():
        raise WriterError(f"tokenizer missing: {path}")
    return Tokenizer.from_file(str(path))


def encode_file(tok: Tokenizer, text_file: Path, out: Path) -> int:
    """Encode a prepared text file to uint16 token ids, works separated by the EOS id."""
    eos = tok.token_to_id(EOS)
    if eos is None:
        raise WriterError(f"the tokenizer has no {EOS} token")
    if tok.get_vocab_size() > 65535:
        raise WriterError("vocabularies over 65,535 tokens need a wider token file")
    ids: list[np.ndarray] = []
    for doc in iter_documents(text_file):
        paras = doc.split("\n\n")
        # keep the blank lines between paragraphs: the model learns where paragraphs end
        enc = tok.encode_batch([p + ("\n\n" if i < len(paras) - 1 else "") for i, p in enumerate(paras)])
        for e in enc:
            ids.append(np.asarray(e.ids, dtype=np.uint16))
        ids.append(np.asarray([eos], dtype=np.uint16))
    arr = np.concatenate(ids) if ids else np.zeros(0, dtype=np.uint16)
    out.parent.mkdir(parents=True, exist_ok=True)
    arr.tofile(out)
    return int(arr.size)
