//! `tandem`: the portal's single binary.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = tandem_server::config::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("tandem: error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(tandem_server::cli::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // One line naming what is wrong: anyhow's alternate form joins the causes.
            eprintln!("tandem: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
