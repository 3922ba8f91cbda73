//! Applying many objects with their writes overlapping, through the
//! shared window of [`crate::resource::window`]: results, errors and
//! warnings in the order of the files, objects that later ones may depend
//! on applied on their own.

use std::io::Write;

use super::{Applied, Applier, Failure, Info};
use crate::resource::window::{write_all, Turn};

type Outcome = Result<Applied, Failure>;

/// Applies `infos`, several at a time, and calls `done` with each object's
/// outcome in the order of `infos`, after printing the object's warnings
/// to `err`. An error from `done` stops the run.
pub async fn apply_all(
    applier: &Applier,
    infos: Vec<Info>,
    err: &mut dyn Write,
    done: impl FnMut(Outcome) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    write_all(
        &applier.client,
        infos,
        |info| Turn::write(&info.mapping, info.namespace_opt(), &info.name),
        |mut info, held| {
            let mut forked = applier.fork(held);
            let mut writer = held.clone();
            async move { forked.apply(&mut info, &mut writer).await }
        },
        err,
        done,
    )
    .await
}
