//! `completion SHELL`: print the script that makes SHELL complete kuddle
//! command lines.
//!
//! Examples:
//!   # Complete kuddle in the current bash session
//!   source <(kuddle completion bash)
//!
//!   # Install the zsh completion for every session
//!   kuddle completion zsh > "${fpath[1]}/_kuddle"
//!
//!   # Complete kuddle in fish
//!   kuddle completion fish | source
//!
//!   # Complete kuddle in PowerShell
//!   kuddle completion powershell | Out-String | Invoke-Expression

use std::io::Write;

use anyhow::Result;
use clap::Args;

use crate::completion::scripts::{script, Shell};
use crate::context::Context;
use crate::error::{CliError, PROGRAM};
use crate::flags::go_values::go_quote;

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  # Complete kuddle in the current bash session (needs the bash-completion package)
  source <(kuddle completion bash)

  # Install the zsh completion for every session
  kuddle completion zsh > \"${fpath[1]}/_kuddle\"

  # Complete kuddle in fish
  kuddle completion fish | source

  # Complete kuddle in PowerShell
  kuddle completion powershell | Out-String | Invoke-Expression")]
pub struct CompletionArgs {
    /// The shell: bash, zsh, fish or powershell.
    #[arg(value_name = "SHELL")]
    pub shell: Vec<String>,
}

pub fn run(ctx: &mut Context, args: CompletionArgs) -> Result<()> {
    let shell = match args.shell.as_slice() {
        [] => {
            return Err(CliError::usage(
                "Shell not specified.",
                ctx.cmd_path.clone(),
            ))
        }
        [one] => one,
        _ => {
            return Err(CliError::usage(
                "Too many arguments. Expected only the shell type.",
                ctx.cmd_path.clone(),
            ))
        }
    };
    let Some(shell) = Shell::from_name(shell) else {
        return Err(CliError::usage(
            format!("Unsupported shell type {}.", go_quote(shell)),
            ctx.cmd_path.clone(),
        ));
    };
    ctx.out.write_all(script(shell, PROGRAM).as_bytes())?;
    Ok(())
}
