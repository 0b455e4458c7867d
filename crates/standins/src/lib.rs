//! Stand-ins for the outside services AskPro talks to, each a real HTTP server on a local
//! port speaking the service's documented API (see `shared/reference/`): for the tests,
//! the benchmarks and the demo, never in place of AskPro's own database.

pub mod calcom;
pub mod retell;
