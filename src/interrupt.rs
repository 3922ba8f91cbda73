//! kubectl's `interrupt` handling for commands that wait (`get -w`, `logs
//! -f`, `wait`): a termination signal ends the command quietly with exit
//! status 1 instead of killing the process.

use std::future::Future;

use anyhow::Result;

use crate::error::CliError;

/// Resolves when the process is asked to stop: SIGINT, SIGTERM, SIGHUP or
/// SIGQUIT, the signals kubectl's interrupt handler catches.
pub async fn interrupted() {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut int), Ok(mut term), Ok(mut hup), Ok(mut quit)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
        signal(SignalKind::hangup()),
        signal(SignalKind::quit()),
    ) else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = int.recv() => {}
        _ = term.recv() => {}
        _ = hup.recv() => {}
        _ = quit.recv() => {}
    }
}

/// `work`, unless a termination signal comes first: then exit status 1 and
/// no message.
pub async fn or_exit_on_interrupt<T>(work: impl Future<Output = Result<T>>) -> Result<T> {
    tokio::select! {
        result = work => result,
        _ = interrupted() => Err(CliError::Exit(1).into()),
    }
}
