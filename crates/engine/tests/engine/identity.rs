//! NIK and No. KK checks from DOMAIN.md.

use pretty_assertions::assert_eq;
use simpul_engine::identity::{IdentityError, Sex, age, check_no_kk, parse_nik};

use super::support::date;

#[test]
fn a_nik_holds_region_birth_date_and_sex() {
    let today = date(2026, 11, 23);
    let man = parse_nik("7302011203800002", today).expect("valid");
    assert_eq!((man.region_code(), man.birth_date, man.sex), ("73.02".to_string(), date(1980, 3, 12), Sex::L));
    // Women have 40 added to the day.
    let woman = parse_nik("7302014507850001", today).expect("valid");
    assert_eq!((woman.birth_date, woman.sex), (date(1985, 7, 5), Sex::P));
    // A two-digit year is in this century unless that would be in the future.
    assert_eq!(parse_nik("1609016001100002", today).expect("valid").birth_date, date(2010, 1, 20));
    assert_eq!(parse_nik("1609012003300002", today).expect("valid").birth_date, date(1930, 3, 20));
}

#[test]
fn malformed_niks_are_refused_with_the_reason() {
    let today = date(2026, 11, 23);
    let cases = [
        ("730201450785000", IdentityError::Length),
        ("73020145078500011", IdentityError::Length),
        ("73020A4507850001", IdentityError::Length),
        ("0302014507850001", IdentityError::Province("03".into())),
        // Province 99 does not exist (Papua's run to 96).
        ("9901014507850001", IdentityError::Province("99".into())),
        ("7300014507850001", IdentityError::Regency("73.00".into())),
        // Sulawesi Selatan has 24 kabupaten (73.01-73.24) and 3 kota (73.71-73.73).
        ("7325014507850001", IdentityError::Regency("73.25".into())),
        ("7374014507850001", IdentityError::Regency("73.74".into())),
        ("7302003203800002", IdentityError::District),
        ("7302013202800002", IdentityError::BirthDate), // 32nd
        ("7302017202800002", IdentityError::BirthDate), // 72 - 40 = 32nd
        ("7302013002800002", IdentityError::BirthDate), // 30 February
        ("7302011213800002", IdentityError::BirthDate), // month 13
        ("7302014507850000", IdentityError::Serial),
    ];
    for (nik, error) in cases {
        assert_eq!(parse_nik(nik, today).err(), Some(error), "{nik}");
    }
    assert_eq!(
        IdentityError::Province("99".into()).to_string(),
        "kode provinsi 99 (angka ke-1 dan ke-2) tidak ada dalam daftar wilayah Kemendagri"
    );
}

#[test]
fn the_region_list_is_the_2025_decree_and_holds_every_office() {
    use simpul_engine::regions::{Level, level};
    let all: Vec<(&str, &str)> = simpul_engine::regions::all().collect();
    let count = |wanted: Level| all.iter().filter(|(code, _)| level(code) == Some(wanted)).count();
    let kota = all.iter().filter(|(code, name)| code.len() == 5 && name.starts_with("Kota ")).count();
    let kabupaten = all.iter().filter(|(code, name)| code.len() == 5 && name.starts_with("Kabupaten ")).count();
    assert_eq!((count(Level::Province), kabupaten, kota), (38, 416, 98));
    assert_eq!((count(Level::Regency), count(Level::District), count(Level::Village)), (514, 7285, 83762));
    assert_eq!(simpul_engine::regions::in_words("73.24.04.1003"), "Kelurahan Malili, Kecamatan Malili");
    assert_eq!(simpul_engine::regions::in_words("73.24.06.2001"), "Desa Lampenai, Kecamatan Wotu");
    assert_eq!(simpul_engine::regions::name("12.07.28.1007"), Some("Lubuk Pakam I,II"), "a name with a comma");
    assert!(simpul_engine::regions::within("73.24.04.1003", "73.24.04"));
    assert!(!simpul_engine::regions::within("73.24.041", "73.24.04"));
    for code in ["73.02", "73.24", "19.01", "16.09", "12.76"] {
        assert!(simpul_engine::regions::name(code).is_some(), "{code}");
    }
    assert_eq!(simpul_engine::regions::described("73.06"), "Kabupaten Gowa (73.06)");
    // A No. KK's region is checked alike.
    assert_eq!(check_no_kk("9901010101150003", date(2026, 11, 23)), Err(IdentityError::Province("99".into())));
}

#[test]
fn a_family_card_number_holds_the_issue_date_without_the_plus_forty() {
    let today = date(2026, 11, 23);
    assert_eq!(check_no_kk("7302010101150003", today), Ok(()));
    assert_eq!(check_no_kk("7302014101150003", today), Err(IdentityError::IssueDate), "no +40 on a KK");
    assert_eq!(check_no_kk("7302010101150000", today), Err(IdentityError::Serial));
    assert_eq!(check_no_kk("7302010101300003", today), Ok(()), "an old card of 1930");
}

#[test]
fn age_is_counted_in_whole_years() {
    assert_eq!(age(date(1966, 11, 24), date(2026, 11, 23)), 59);
    assert_eq!(age(date(1966, 11, 23), date(2026, 11, 23)), 60);
}
