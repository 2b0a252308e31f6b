//! Nix store paths of locked flake sources, computed from the lock's `narHash` as Nix does for
//! fixed-output, recursively hashed paths named `source`: the fingerprint
//! `source:sha256:<hex>:/nix/store:source` is hashed with SHA-256, XOR-folded to 20 bytes and
//! written in Nix's base-32.

use base64::Engine;
use sha2::{Digest, Sha256};

/// Nix's base-32 alphabet (no `e`, `o`, `u`, `t`).
const NIX_BASE32: &[u8; 32] = b"0123456789abcdfghijklmnpqrsvwxyz";

/// `/nix/store/<hash>-source` for a `narHash` such as `sha256-9QGt...=` (SRI form) or
/// `sha256:<hex or nix base-32>`; `None` for anything else.
pub fn source_store_path(nar_hash: &str) -> Option<String> {
    let digest = sha256_of_nar_hash(nar_hash)?;
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    let fingerprint = format!("source:sha256:{hex}:/nix/store:source");
    let hash = Sha256::digest(fingerprint.as_bytes());
    let mut folded = [0u8; 20];
    for (i, b) in hash.iter().enumerate() {
        folded[i % 20] ^= b;
    }
    Some(format!("/nix/store/{}-source", nix_base32(&folded)))
}

fn sha256_of_nar_hash(nar_hash: &str) -> Option<[u8; 32]> {
    let bytes = if let Some(b64) = nar_hash.strip_prefix("sha256-") {
        base64::engine::general_purpose::STANDARD.decode(b64).ok()?
    } else if let Some(text) = nar_hash.strip_prefix("sha256:") {
        if text.len() == 64 {
            (0..32)
                .map(|i| u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok())
                .collect::<Option<Vec<u8>>>()?
        } else {
            from_nix_base32(text)?
        }
    } else {
        return None;
    };
    bytes.try_into().ok()
}

pub fn nix_base32(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return String::new();
    }
    let len = (bytes.len() * 8 - 1) / 5 + 1;
    let mut out = String::with_capacity(len);
    for n in (0..len).rev() {
        let bit = n * 5;
        let (i, j) = (bit / 8, bit % 8);
        let low = bytes[i] >> j;
        let high = if i + 1 < bytes.len() {
            (bytes[i + 1] as u16) << (8 - j)
        } else {
            0
        };
        let c = ((low as u16 | high) & 0x1f) as usize;
        out.push(NIX_BASE32[c] as char);
    }
    out
}

fn from_nix_base32(text: &str) -> Option<Vec<u8>> {
    // 52 characters hold 32 bytes.
    if text.len() != 52 {
        return None;
    }
    let mut bytes = vec![0u8; 32];
    for (n, c) in text.bytes().rev().enumerate() {
        let digit = NIX_BASE32.iter().position(|&a| a == c)? as u16;
        let bit = n * 5;
        let (i, j) = (bit / 8, bit % 8);
        bytes[i] |= (digit << j) as u8;
        if i + 1 < 32 {
            bytes[i + 1] |= (digit >> (8 - j)) as u8;
        } else if digit >> (8 - j) != 0 {
            return None;
        }
    }
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_paths_match_nix() {
        // Vectors from Nix 2.8 (`nix hash path` and `nix-store --add-fixed --recursive sha256`).
        // Directories named `source` holding `hello.txt` ("hello\n"), and `sub/default.nix`
        // ("{ }\n", executable); the first vector is the one TOOLCHAIN.md records.
        let cases = [
            (
                "sha256-9QGtCpWac9/7jzCQ9bom1XjFE2mfhrPN3SedfrSX3gI=",
                "/nix/store/inb9rfs2gqvi6x34qkha4ama70naj5pp-source",
            ),
            (
                "sha256-i9jJgC+rnkiRG+QQ31i/KRlnOwbAnAZM/cvj73cukwU=",
                "/nix/store/1pmb65l4shli0xi5qs4z86ga1jxwiimq-source",
            ),
            (
                "sha256:01ck5rvyzqybzm60d7600qxnf699pxcdy4743f8li7mb5y0ckn4b",
                "/nix/store/1pmb65l4shli0xi5qs4z86ga1jxwiimq-source",
            ),
            (
                "sha256-RXYYld6HteiLxP7r5ntjL4Hy8GG7mDEjw8Gfdea06EM=",
                "/nix/store/p70zrfzfpsz2zr7qr4qj77qhr4jl3yqf-source",
            ),
            (
                "sha256:0hz8nkk7b7y1qcik365vc7qg509gcdxydszyqj5yidc7vsaihxj5",
                "/nix/store/p70zrfzfpsz2zr7qr4qj77qhr4jl3yqf-source",
            ),
        ];
        for (nar_hash, path) in cases {
            assert_eq!(
                source_store_path(nar_hash).as_deref(),
                Some(path),
                "{nar_hash}"
            );
        }
        assert_eq!(source_store_path("md5-abc"), None);
        assert_eq!(source_store_path("sha256-!!!"), None);
        assert_eq!(source_store_path("sha256-AAAA"), None);
    }

    #[test]
    fn base32_round_trips() {
        let bytes: Vec<u8> = (0..32u8)
            .map(|i| i.wrapping_mul(37).wrapping_add(11))
            .collect();
        assert_eq!(from_nix_base32(&nix_base32(&bytes)).unwrap(), bytes);
    }
}
