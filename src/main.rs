//! The `wfm` command-line tool: parses arguments, calls the library, renders results.

#![forbid(unsafe_code)]

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(e) => {
            // A closed pipe (`wfm … | head`) is not an error (ripgrep, xsv).
            let broken_pipe = e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {e:#}");
            if cli::vocab::is_usage(&e) {
                // an argument value outside its domain: the usage code, as clap's own checks
                eprintln!("\nFor more information, try '--help'.");
                return ExitCode::from(2);
            }
            ExitCode::from(1)
        }
    }
}
