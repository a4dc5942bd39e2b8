"""Near-duplicate articles (one story syndicated by two outlets) with MinHash LSH bands."""
from __future__ import annotations

import hashlib
import re
import struct

import numpy as np
from datasketch import MinHash

from hoptac.textnorm import fold

NUM_PERM = 64
THRESHOLD = 0.8  # estimated Jaccard similarity of word 3-shingles above which two articles are one story
BANDS, ROWS = 16, 4  # 16 bands of 4 rows: pairs above ~0.6 Jaccard share a band with high probability
_WORD = re.compile(r"\w+")


def signature(text: str) -> MinHash:
    """MinHash of the folded text's word 3-shingles."""
    words = _WORD.findall(fold(text))
    m = MinHash(num_perm=NUM_PERM, seed=7)
    shingles = {" ".join(words[i:i + 3]).encode() for i in range(max(1, len(words) - 2))}
    m.update_batch(list(shingles))
    return m


def band_hashes(m: MinHash) -> list[tuple[int, int]]:
    """(band, hash) pairs; two documents that share one are near-duplicate candidates."""
    return _bands(m.hashvalues)


def stored_band_hashes(stored: bytes) -> list[tuple[int, int]]:
    """The (band, hash) pairs of a stored signature (to find its band rows again)."""
    return _bands(np.array(struct.unpack(f"<{NUM_PERM}Q", stored), dtype=np.uint64))


def _bands(hv) -> list[tuple[int, int]]:
    out = []
    for b in range(BANDS):
        chunk = hv[b * ROWS:(b + 1) * ROWS].astype(np.uint64).tobytes()
        h = int.from_bytes(hashlib.blake2b(chunk, digest_size=8).digest(), "big", signed=True)
        out.append((b, h))
    return out


def to_bytes(m: MinHash) -> bytes:
    """The signature as stored in documents.minhash."""
    return struct.pack(f"<{NUM_PERM}Q", *(int(x) for x in m.hashvalues))


def similarity(a: MinHash, stored: bytes) -> float:
    """Estimated Jaccard similarity between a signature and a stored one."""
    other = np.array(struct.unpack(f"<{NUM_PERM}Q", stored), dtype=np.uint64)
    return float(np.mean(a.hashvalues.astype(np.uint64) == other))

