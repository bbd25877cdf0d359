//! The orphan sweep: objects no database row names (an upload whose transaction failed and whose cleanup failed
//! too), and rows whose object is gone (a store restored from an older backup). Only objects older than a grace
//! period are orphans: a younger one may belong to an upload whose row is being written right now.

use std::collections::BTreeSet;
use std::time::{Duration, SystemTime};

use crate::object_store::ObjectInfo;

/// What the sweep found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sweep {
    /// Objects with no row, older than the grace period: safe to delete.
    pub orphans: Vec<ObjectInfo>,
    /// Objects with no row, but young: left for the next sweep.
    pub recent: Vec<ObjectInfo>,
    /// Keys the database names with no object: reported, never deleted (the row is the record of what was
    /// received; an officer asks the applicant again).
    pub missing: Vec<String>,
}

/// Compares the objects with the keys the database knows.
pub fn sweep(objects: Vec<ObjectInfo>, known: &BTreeSet<String>, now: SystemTime, grace: Duration) -> Sweep {
    let present: BTreeSet<&str> = objects.iter().map(|o| o.key.as_str()).collect();
    let missing = known.iter().filter(|k| !present.contains(k.as_str())).cloned().collect();
    let mut out = Sweep { missing, ..Sweep::default() };
    for object in objects.into_iter().filter(|o| !known.contains(&o.key)) {
        let old = object.modified.is_none_or(|m| now.duration_since(m).is_ok_and(|age| age >= grace));
        if old { out.orphans.push(object) } else { out.recent.push(object) }
    }
    out
}
