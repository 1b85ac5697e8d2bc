"""Token ids to text, one token at a time, without ever splitting a character.

GPT-2's byte-level BPE spells multi-byte UTF-8 characters (CJK, emoji, accents) across
several tokens. Decoding each token alone would print replacement characters, so each row
keeps an incremental UTF-8 decoder fed with the tokens' raw bytes; text comes out only once a
character is whole.
"""

from __future__ import annotations

import codecs
from functools import lru_cache

from tokenizers import Tokenizer


@lru_cache(maxsize=1)
def _byte_alphabet() -> dict[str, int]:
    """GPT-2's printable stand-in for each byte (``bytes_to_unicode``), inverted."""
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), 256))
    chars = keep[:]
    n = 0
    for b in range(256):
        if b not in keep:
            keep.append(b)
            chars.append(256 + n)
            n += 1
    return {chr(c): b for b, c in zip(keep, chars, strict=True)}


class TokenBytes:
    """The raw bytes of every token id; special tokens (``<|endoftext|>``) map to nothing."""

    def __init__(self, tok: Tokenizer, vocab_size: int) -> None:
        self.tok = tok
        alphabet = _byte_alphabet()
        specials = {t.content for t in tok.get_added_tokens_decoder().values() if t.special}
        self.special_ids = {tok.token_to_id(s) for s in specials} - {None}
        table: list[bytes] = [b""] * vocab_size
        byte_level = type(tok.decoder).__name__ == "ByteLevel"
        self.exact = byte_level
        for piece, idx in tok.get_vocab(with_added_tokens=True).items():
            if idx >= vocab_size or piece in specials:
                continue
            if byte_level and all(ch in alphabet for ch in piece):
                table[idx] = bytes(alphabet[ch] for ch in piece)
            else:
                table[idx] = tok.decode([idx], skip_special_tokens=True).encode("utf-8")
        self.table = table

    def decoder(self) -> TextDecoder:
        return TextDecoder(self)


class TextDecoder:
    """Feeds token ids in, gets whole characters out.

    Byte-level models can sample bytes that make no character (rare, at high temperature):
    they are dropped, so a "\ufffd" never lands in a draft.
    """

    def __init__(self, tb: TokenBytes) -> None:
        self.tb = tb
        self._utf8 = codecs.getincrementaldecoder("utf-8")(errors="ignore")

    def feed(self, token_id: int) -> str:
        return self._utf8.decode(self.tb.table[token_id] if 0 <= token_id < len(self.tb.table) else b"")

    def feed_bytes(self, data: bytes) -> str:
        return self._utf8.decode(data)

    @property
    def pending(self) -> bytes:
        """The bytes of a character not finished yet."""
        return self._utf8.getstate()[0]

    def flush(self) -> str:
        """Whatever bytes are left at the end (an unfinished character is dropped)."""
        return self._utf8.decode(b"", final=True)
