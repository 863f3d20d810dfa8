"""Identifiers at rest: encrypted (AES-256-GCM), with a keyed hash for the owner's searches.

Two keys are derived from the configured VAULT_KEY with HKDF, one to encrypt and one for
the lookup hash, so that neither use weakens the other. The hash covers the owner, the kind
and the normalized key: the same serial in two vaults gives two unrelated hashes, and a copy
of the database alone neither reveals a serial nor links two owners of the same thing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_NONCE = 12
_AAD = b"stopheling vault identifier v1"


def _derive(secret: str, purpose: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"stopheling-vault", info=purpose)
    return hkdf.derive(secret.encode("utf-8"))


@dataclass(frozen=True, slots=True)
class VaultCipher:
    """Encrypts identifier values and computes their lookup hashes."""

    encryption_key: bytes
    lookup_key: bytes

    @classmethod
    def from_secret(cls, secret: str) -> VaultCipher:
        if not secret:
            raise ValueError("VAULT_KEY is empty")
        return cls(_derive(secret, b"encrypt"), _derive(secret, b"lookup"))

    def encrypt(self, value: dict[str, Any]) -> bytes:
        """A random nonce followed by the AES-GCM ciphertext of ``value`` as JSON."""
        nonce = os.urandom(_NONCE)
        plain = json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8")
        return nonce + AESGCM(self.encryption_key).encrypt(nonce, plain, _AAD)

    def decrypt(self, blob: bytes) -> dict[str, Any]:
        try:
            plain = AESGCM(self.encryption_key).decrypt(
                bytes(blob[:_NONCE]), bytes(blob[_NONCE:]), _AAD
            )
        except InvalidTag as exc:
            raise ValueError("the identifier cannot be decrypted with this VAULT_KEY") from exc
        value: dict[str, Any] = json.loads(plain)
        return value

    def lookup(self, owner_id: int, kind: str, key: str) -> str:
        """The hex HMAC-SHA256 of (owner, kind, normalized key): equality searches only."""
        message = f"{owner_id}\x1f{kind}\x1f{key}".encode()
        return hmac.new(self.lookup_key, message, hashlib.sha256).hexdigest()
