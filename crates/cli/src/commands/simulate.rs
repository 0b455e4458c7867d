//! `askpro simulate call SCRIPT`: plays a scripted phone call against a running server
//! as Retell would. (Being written.)

use crate::cli::Global;
use anyhow::{Result, bail};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct SimulateCallArgs {
    /// The call script (TOML), e.g. examples/calls/termin-buchen.toml.
    pub script: PathBuf,
}

pub async fn call(_global: &Global, args: SimulateCallArgs) -> Result<ExitCode> {
    bail!("simulate call is not built yet ({})", args.script.display())
}
