//! `askpro`: one binary for the server and every customer-success command.
//!
//! The runbook's colon form (`askpro tenant:apply`, `askpro askpro:diagnose`) is
//! accepted and rewritten to the canonical space form before parsing.

mod cli;
mod commands;
mod config;
mod now;
mod output;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    end_quietly_on_a_closed_pipe();
    let cli = cli::Cli::parse_from(cli::canonical_args(std::env::args_os()));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(commands::run(cli));
    // Tasks a shutdown timeout left behind (a job stuck on a silent server) must not
    // keep the process alive.
    runtime.shutdown_timeout(std::time::Duration::from_millis(500));
    match outcome {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// `askpro … | head` closes stdout early, and the next `println!` panics with "Broken
/// pipe". That is the reader's choice, not a failure: end quietly with the status a
/// shell reports for SIGPIPE (128 + 13), as Unix tools do.
fn end_quietly_on_a_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.contains("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}
