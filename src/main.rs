//! The `gwlint` command: `check` for CI and terminals, `lsp` for editors, and rule
//! tooling (`rules`, `explain`, `test-rules`).

mod cli;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "gwlint",
    version,
    about = "Checks Chinese official writing (公文)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check files and directories (`-` reads standard input).
    Check(cli::check::CheckArgs),
    /// List every rule with its id, severity and a one-line description.
    Rules(cli::rules::RulesArgs),
    /// Explain a rule: what it checks, why, and examples.
    Explain(cli::rules::ExplainArgs),
    /// Check that rule packs parse and that every rule's examples behave as declared.
    TestRules(cli::rules::TestRulesArgs),
    /// Print or write the JSON Schemas of `.gwlint.toml` and rule packs (for editors).
    #[command(hide = true)]
    Schema {
        /// `config` or `pack`; with `--out-dir`, both are written.
        #[arg(value_parser = ["config", "pack"])]
        which: Option<String>,
        /// Write both schema files into this directory (e.g. `editors/schema`).
        #[arg(long, value_name = "DIR")]
        out_dir: Option<std::path::PathBuf>,
    },
    /// Run the language server on standard input/output.
    Lsp {
        /// Accepted for clients that pass it; stdio is the only transport.
        #[arg(long)]
        stdio: bool,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    if !matches!(cli.command, Command::Check(_) | Command::Lsp { .. }) {
        default_sigpipe();
    }
    let code = match cli.command {
        Command::Check(args) => cli::check::run(args),
        Command::Rules(args) => cli::rules::list(args),
        Command::Explain(args) => cli::rules::explain(args),
        Command::TestRules(args) => cli::rules::test_rules(args),
        Command::Schema { which, out_dir } => schema(which.as_deref(), out_dir.as_deref()),
        Command::Lsp { .. } => match gwlint::lsp::run_stdio() {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("error: language server failed: {e}");
                2
            }
        },
    };
    ExitCode::from(code)
}

/// Lets `gwlint rules | head` end quietly when the reader goes, as Unix tools
/// do: Rust ignores SIGPIPE, and `println!` then panics on the closed pipe.
/// (`check` handles write errors itself, and the server must outlive a
/// client that hangs up only to clean up.)
fn default_sigpipe() {
    #[cfg(unix)]
    // SAFETY: restores a signal's default disposition; no other thread runs yet.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn schema(which: Option<&str>, out_dir: Option<&std::path::Path>) -> u8 {
    use gwlint::config::schema;
    if let Some(dir) = out_dir {
        for (name, text) in schema::schema_files() {
            let path = dir.join(name);
            if let Err(e) = std::fs::write(&path, text) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return 2;
            }
            println!("wrote {}", path.display());
        }
        return 0;
    }
    let value = match which {
        Some("pack") => schema::pack_schema(),
        Some("config") => schema::config_schema(),
        _ => {
            eprintln!("error: name a schema (`config` or `pack`) or give --out-dir DIR");
            return 2;
        }
    };
    println!(
        "{}",
        serde_json::to_string_pretty(&value).expect("schema serializes")
    );
    0
}
