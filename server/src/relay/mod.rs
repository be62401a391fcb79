//! The relay: reaches vendors that do not allow browser calls, for an allowlist of
//! upstreams only, without storing, logging or leaking the keys it carries.

pub mod config;
pub mod proxy;

pub(crate) use config::is_loopback;
pub use config::{Limits, Mode, RelayConfig, Upstream};
pub use proxy::Relay;
