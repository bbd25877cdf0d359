//! Verification codes: the QR on a letter carries a code signed with the tenant's Ed25519 key, binding the
//! letter's id to its tenant, number and date. Anyone with the code can ask the office's page whether the letter
//! exists as printed; nobody without the key can make a code for a letter that does not.
//!
//! A code is base64url of: version (1 byte) · key id (2 bytes) · letter id (16 bytes) · signature (64 bytes).
//! The key id names which of the tenant's keys signed, so that a rotated key's letters still verify.
//!
//! That code is too long to type (111 characters), so letters print a short code derived from it: 60 bits of
//! its SHA-256 in twelve characters of Crockford's base32, which has no I, L, O or U, so that nothing printed
//! can be misread; read back, O counts as 0 and I or L as 1. The short code finds the letter, whose stored
//! signed code is then checked. It is as hard to guess as the signature it comes from, and derived rather than
//! drawn so that rendering a letter twice prints the same code.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDate;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use uuid::Uuid;

use crate::error::{LettersError, LettersResult};

const VERSION: u8 = 1;
const LEN: usize = 1 + 2 + 16 + 64;

/// What a code vouches for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterClaims {
    /// The tenant.
    pub tenant: String,
    /// The letter's row id.
    pub letter_id: Uuid,
    /// The letter number.
    pub number: String,
    /// The date of issue.
    pub issued_on: NaiveDate,
}

impl LetterClaims {
    fn message(&self) -> Vec<u8> {
        format!("simpul-letter-v1\n{}\n{}\n{}\n{}", self.tenant, self.letter_id, self.number, self.issued_on)
            .into_bytes()
    }
}

/// A code, read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedCode {
    /// Which of the tenant's keys signed it.
    pub key_id: u16,
    /// The letter.
    pub letter_id: Uuid,
    signature: [u8; 64],
}

/// A new key pair: (secret, public), 32 bytes each.
pub fn generate_key() -> ([u8; 32], [u8; 32]) {
    let mut secret = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut secret);
    let public = SigningKey::from_bytes(&secret).verifying_key().to_bytes();
    (secret, public)
}

/// Signs the claims with key `key_id` (its secret) and returns the code.
pub fn sign(key_id: u16, secret: &[u8; 32], claims: &LetterClaims) -> String {
    let signature = SigningKey::from_bytes(secret).sign(&claims.message());
    let mut bytes = Vec::with_capacity(LEN);
    bytes.push(VERSION);
    bytes.extend(key_id.to_be_bytes());
    bytes.extend(claims.letter_id.as_bytes());
    bytes.extend(signature.to_bytes());
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Crockford's base32 alphabet: digits and capitals without I, L, O and U.
const SHORT_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters of a short code: 60 bits, so that guessing one (rate-limited, among at most millions of letters)
/// is hopeless, while it still fits, grouped by four, in 14 printed characters.
const SHORT_LEN: usize = 12;

/// The short code printed on a letter for its signed `code`, grouped by four: "K7QM-4XHP-2RDN".
pub fn short_code(code: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(code.as_bytes());
    let bits = u64::from_be_bytes(digest[..8].try_into().unwrap_or_default()) >> 4;
    let chars: Vec<char> = (0..SHORT_LEN)
        .map(|i| char::from(SHORT_ALPHABET[((bits >> (5 * (SHORT_LEN - 1 - i))) & 31) as usize]))
        .collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// A short code as someone typed it, in its printed form; `None` when it cannot be one. Case, spaces and dashes
/// do not matter, O is read as 0 and I or L as 1.
pub fn read_short_code(typed: &str) -> Option<String> {
    let mut chars = Vec::with_capacity(SHORT_LEN);
    for c in typed.chars().filter(|c| !c.is_whitespace() && *c != '-') {
        let c = match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c if c.is_ascii() && SHORT_ALPHABET.contains(&(c as u8)) => c,
            _ => return None,
        };
        chars.push(c);
    }
    (chars.len() == SHORT_LEN)
        .then(|| chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-"))
}

/// Reads a code without checking it: which key and which letter it claims.
pub fn decode(code: &str) -> LettersResult<DecodedCode> {
    let bytes = URL_SAFE_NO_PAD.decode(code.trim()).map_err(|_| LettersError::BadCode)?;
    if bytes.len() != LEN || bytes[0] != VERSION {
        return Err(LettersError::BadCode);
    }
    let key_id = u16::from_be_bytes([bytes[1], bytes[2]]);
    let letter_id = Uuid::from_slice(&bytes[3..19]).map_err(|_| LettersError::BadCode)?;
    let signature = bytes[19..].try_into().map_err(|_| LettersError::BadCode)?;
    Ok(DecodedCode { key_id, letter_id, signature })
}

/// Checks a decoded code against the claims as the database holds them and the public key it names.
pub fn verify(public: &[u8; 32], claims: &LetterClaims, code: &DecodedCode) -> LettersResult<()> {
    if code.letter_id != claims.letter_id {
        return Err(LettersError::BadCode);
    }
    let key = VerifyingKey::from_bytes(public).map_err(|_| LettersError::BadCode)?;
    key.verify(&claims.message(), &Signature::from_bytes(&code.signature)).map_err(|_| LettersError::BadCode)
}

/// The adapter point for a certified electronic signature (TTE from BSrE/BSSN). A QR code proves that the office
/// issued a letter with this content; a TTE makes the PDF itself legally signed by the official. An
/// implementation sends the rendered PDF to the signing service with the official's credentials and returns the
/// signed PDF, which is then archived in place of the unsigned one. None is included: BSrE access needs an
/// agreement with BSSN and per-official certificates.
pub trait CertifiedSignature: Send + Sync {
    /// Signs `pdf` as the official with NIP `nip`.
    fn sign_pdf(&self, pdf: &[u8], nip: &str) -> Result<Vec<u8>, String>;
}
