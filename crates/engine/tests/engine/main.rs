//! Integration tests of the engine, in one test binary: each module holds one concern.

mod calendar;
mod identity;
mod properties;
mod refusals;
mod services;
mod simulate;
mod support;
mod timing;
