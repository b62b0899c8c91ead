//! The `chiso` binary: parse arguments, run, map the outcome to an exit code.

mod cli;

use clap::Parser;

fn main() {
    let cli = cli::Cli::parse();
    let status = cli::run(cli);
    std::process::exit(status as i32);
}
