//! Generators for demonstration and measurement: the demo cabinets (`seed`, behind
//! `--demo`) and the benchmark with its bulk generator and HTTP client (`bench`). Apart
//! from the request path: no route imports them.

pub mod bench;
pub mod seed;
