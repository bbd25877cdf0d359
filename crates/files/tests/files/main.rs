//! The storage suite: every test runs against the local folder, and against S3 when `TEST_S3_ENDPOINT` (with
//! `TEST_S3_ACCESS_KEY`, `TEST_S3_SECRET_KEY`) names a server — CI starts s3s-fs and sets them.

mod outage;
mod storage;
mod support;
