//! Verification codes: round trip, forgery, alteration, rotated keys.

use chrono::NaiveDate;
use simpul_letters::LettersError;
use simpul_letters::verify::{LetterClaims, decode, generate_key, sign, verify};
use uuid::Uuid;

fn claims() -> LetterClaims {
    LetterClaims {
        tenant: String::from("bulukumba"),
        letter_id: Uuid::now_v7(),
        number: String::from("400.9/17/Dinsos/XI/2026"),
        issued_on: NaiveDate::from_ymd_opt(2026, 11, 23).expect("date"),
    }
}

#[test]
fn a_code_verifies_against_the_letter_it_was_made_for() {
    let (secret, public) = generate_key();
    let claims = claims();
    let code = sign(3, &secret, &claims);
    assert!(code.len() < 120 && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'), "{code}");
    let decoded = decode(&code).expect("decodes");
    assert_eq!((decoded.key_id, decoded.letter_id), (3, claims.letter_id));
    verify(&public, &claims, &decoded).expect("genuine");
}

#[test]
fn altered_forged_and_misapplied_codes_are_rejected() {
    let (secret, public) = generate_key();
    let claims = claims();
    let code = sign(1, &secret, &claims);
    // Another number or date than the database holds: the letter was altered.
    for changed in [
        LetterClaims { number: String::from("400.9/18/Dinsos/XI/2026"), ..claims.clone() },
        LetterClaims { issued_on: NaiveDate::from_ymd_opt(2026, 11, 24).expect("date"), ..claims.clone() },
        LetterClaims { tenant: String::from("luwu-timur"), ..claims.clone() },
    ] {
        assert!(matches!(verify(&public, &changed, &decode(&code).expect("decodes")), Err(LettersError::BadCode)));
    }
    // Signed with a key that is not the tenant's.
    let (other_secret, _) = generate_key();
    let forged = sign(1, &other_secret, &claims);
    assert!(verify(&public, &claims, &decode(&forged).expect("decodes")).is_err());
    // A flipped character, a truncated code, garbage.
    let mut chars: Vec<char> = code.chars().collect();
    let last = chars.len() - 5;
    chars[last] = if chars[last] == 'A' { 'B' } else { 'A' };
    let flipped: String = chars.into_iter().collect();
    assert!(decode(&flipped).map(|d| verify(&public, &claims, &d)).map_or(true, |r| r.is_err()));
    assert!(decode(&code[..60]).is_err());
    assert!(decode("not a code!").is_err());
}

#[test]
fn letters_signed_with_a_rotated_key_still_verify_with_it() {
    let (old_secret, old_public) = generate_key();
    let (new_secret, new_public) = generate_key();
    let before = claims();
    let after = LetterClaims { letter_id: Uuid::now_v7(), ..claims() };
    let old_code = decode(&sign(1, &old_secret, &before)).expect("decodes");
    let new_code = decode(&sign(2, &new_secret, &after)).expect("decodes");
    assert_eq!((old_code.key_id, new_code.key_id), (1, 2));
    verify(&old_public, &before, &old_code).expect("old key still verifies its letters");
    verify(&new_public, &after, &new_code).expect("new key");
    assert!(verify(&new_public, &before, &old_code).is_err(), "the key id decides which key checks");
}
