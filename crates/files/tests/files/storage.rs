//! What every backend must do.

use std::time::Duration;

use pretty_assertions::assert_eq;
use sha2::{Digest, Sha256};
use simpul_definitions::model::FileType;
use simpul_files::{Accept, Download, FilesError, ObjectKey};
use uuid::Uuid;

use super::support::{backends, jpg, pdf, zip};

fn pdf_only(kb: u32) -> Accept {
    Accept::new(&[FileType::Pdf], Some(kb))
}

#[tokio::test]
async fn an_upload_is_stored_with_its_hash_size_and_real_type() {
    for b in backends().await {
        let application = Uuid::now_v7();
        let bytes = pdf(200_000);
        let key = ObjectKey::new("bulukumba", application).expect("key");
        assert!(key.as_str().starts_with(&format!("bulukumba/{application}/")), "{key}");
        let stored = b.files.put_checked(key.clone(), &mut bytes.as_slice(), &pdf_only(500)).await.expect(b.name);
        assert_eq!(stored.sha256, hex::encode(Sha256::digest(&bytes)), "{}", b.name);
        assert_eq!(stored.size, 200_000);
        assert_eq!(stored.content_type, "application/pdf");
        assert_eq!(b.files.get(&key).await.expect("read back"), bytes, "{}", b.name);
        let listed = b.files.list("bulukumba/").await.expect("list");
        assert_eq!(listed.iter().map(|o| (o.key.as_str(), o.size)).collect::<Vec<_>>(), [(key.as_str(), 200_000)]);
        assert!(b.files.list("luwu-timur/").await.expect("list").is_empty(), "{}: prefix per tenant", b.name);
    }
}

#[tokio::test]
async fn a_file_of_the_wrong_type_is_refused_and_nothing_is_stored() {
    for b in backends().await {
        let key = ObjectKey::new("bulukumba", Uuid::now_v7()).expect("key");
        let error = b.files.put_checked(key.clone(), &mut zip().as_slice(), &pdf_only(500)).await.expect_err(b.name);
        assert!(matches!(&error, FilesError::TypeNotAccepted { found, .. } if found == "ZIP"), "{error:?}");
        assert_eq!(error.to_string(), "berkas berjenis ZIP, sedangkan yang diterima hanya PDF");
        // A JPEG is a real image but this requirement takes PDF only.
        let error = b.files.put_checked(key.clone(), &mut jpg(4096).as_slice(), &pdf_only(500)).await.expect_err("jpg");
        assert_eq!(error.to_string(), "berkas berjenis JPG, sedangkan yang diterima hanya PDF");
        let error = b.files.put_checked(key.clone(), &mut [].as_slice(), &pdf_only(500)).await.expect_err("empty");
        assert!(matches!(error, FilesError::Empty));
        assert!(b.files.list("").await.expect("list").is_empty(), "{}", b.name);
    }
}

#[tokio::test]
async fn a_file_over_the_limit_is_refused_midway_and_nothing_is_stored() {
    for b in backends().await {
        let key = ObjectKey::new("bulukumba", Uuid::now_v7()).expect("key");
        // 12 MiB against a 1 MiB limit: the check happens while streaming, past the sniffed head.
        let bytes = pdf(12 * 1024 * 1024);
        let error = b.files.put_checked(key.clone(), &mut bytes.as_slice(), &pdf_only(1024)).await.expect_err(b.name);
        assert!(matches!(error, FilesError::TooLarge { max_bytes: 1_048_576 }), "{}: {error:?}", b.name);
        assert_eq!(error.to_string(), "berkas melebihi ukuran maksimum 1024 KB");
        assert!(b.files.list("").await.expect("list").is_empty(), "{}", b.name);
        assert!(matches!(b.files.get(&key).await, Err(FilesError::NotFound)), "{}", b.name);
    }
}

#[tokio::test]
async fn delete_removes_and_is_idempotent() {
    for b in backends().await {
        let key = ObjectKey::new("bangka", Uuid::now_v7()).expect("key");
        b.files.put_bytes(key.clone(), &pdf(1000), "application/pdf").await.expect("put");
        b.files.delete(&key).await.expect("delete");
        b.files.delete(&key).await.expect("delete again");
        assert!(matches!(b.files.get(&key).await, Err(FilesError::NotFound)), "{}", b.name);
    }
}

#[tokio::test]
async fn download_links_expire_and_cannot_be_altered() {
    for b in backends().await {
        let key = ObjectKey::new("bulukumba", Uuid::now_v7()).expect("key");
        let bytes = pdf(5000);
        b.files.put_bytes(key.clone(), &bytes, "application/pdf").await.expect("put");
        let now = 1_800_000_000;
        match b.files.download(&key, "application/pdf", Duration::from_secs(300), now).await.expect("link") {
            Download::Direct(url) => {
                // A presigned URL: anyone holding it reads the object straight from the server, until it expires.
                let mut response = ureq::get(&url).call().expect("presigned GET");
                assert_eq!(response.body_mut().read_to_vec().expect("body"), bytes, "{}", b.name);
            }
            Download::Signed(grant) => {
                assert_eq!(b.files.verify(&grant, now + 299).expect("valid"), key);
                assert!(matches!(b.files.verify(&grant, now + 301), Err(FilesError::BadLink)), "expired");
                let mut longer = grant.clone();
                longer.expires += 3600;
                assert!(matches!(b.files.verify(&longer, now), Err(FilesError::BadLink)), "extended");
                let mut other = grant.clone();
                other.key = format!("luwu-timur/{}/x", Uuid::now_v7());
                assert!(matches!(b.files.verify(&other, now), Err(FilesError::BadLink)), "another object");
            }
        }
    }
}

#[test]
fn keys_are_plain_segments() {
    for bad in ["../etc/passwd", "a//b", "/abs", "a/./b", "a/b c", "a\\b", ""] {
        assert!(matches!(ObjectKey::parse(bad), Err(FilesError::InvalidKey(_))), "{bad:?}");
    }
    assert_eq!(ObjectKey::parse("bulukumba/0190/abc.pdf").expect("ok").tenant(), "bulukumba");
}

#[tokio::test]
async fn the_sweep_finds_orphans_on_both_sides_and_spares_young_objects() {
    use std::collections::BTreeSet;
    use std::time::SystemTime;
    for b in backends().await {
        let application = Uuid::now_v7();
        let recorded = ObjectKey::new("bulukumba", application).expect("key");
        let orphan = ObjectKey::new("bulukumba", application).expect("key");
        for key in [&recorded, &orphan] {
            b.files.put_bytes(key.clone(), &pdf(100), "application/pdf").await.expect("put");
        }
        let gone = format!("bulukumba/{application}/gone");
        let known = BTreeSet::from([recorded.to_string(), gone.clone()]);
        let objects = b.files.list("").await.expect("list");
        let later = SystemTime::now() + Duration::from_secs(2 * 3600);
        let found = simpul_files::sweep(objects.clone(), &known, later, Duration::from_secs(3600));
        assert_eq!(found.orphans.iter().map(|o| o.key.clone()).collect::<Vec<_>>(), [orphan.to_string()], "{}", b.name);
        assert!(found.recent.is_empty());
        assert_eq!(found.missing, vec![gone]);
        // Just written: the same object is young, and left alone.
        let now = simpul_files::sweep(objects, &known, SystemTime::now(), Duration::from_secs(3600));
        assert!(now.orphans.is_empty(), "{}", b.name);
        assert_eq!(now.recent.len(), 1);
    }
}
