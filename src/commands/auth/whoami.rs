//! `auth whoami [-o FORMAT]`: the server's view of the caller, from a
//! SelfSubjectReview.

use std::io::Write;

use anyhow::{anyhow, Result};
use clap::Args;
use http::Method;
use serde_json::{json, Value};

use crate::context::Context;
use crate::flags::PrintFlags;
use crate::printers::tabwriter::TabWriter;
use crate::printers::OBJECT_FORMATS;

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  # Who am I?
  kuddle auth whoami

  # The same, as JSON
  kuddle auth whoami -o json")]
pub struct WhoamiArgs {
    #[command(flatten)]
    pub print: PrintFlags,

    /// Ignored, as kubectl ignores them.
    #[arg(hide = true)]
    pub ignored: Vec<String>,
}

/// The API versions asked in turn while the server answers NotFound.
const VERSIONS: [&str; 3] = ["v1", "v1beta1", "v1alpha1"];

pub async fn run(ctx: &mut Context, args: WhoamiArgs) -> Result<()> {
    // complete
    let printer = args.print.printer(OBJECT_FORMATS)?;
    let conn = ctx.connection().await?;

    // run
    let mut answer = None;
    for version in VERSIONS {
        let path = format!("/apis/authentication.k8s.io/{version}/selfsubjectreviews");
        let review = json!({
            "kind": "SelfSubjectReview",
            "apiVersion": format!("authentication.k8s.io/{version}"),
            "metadata": {"creationTimestamp": null},
            "status": {"userInfo": {}},
        });
        let result = conn
            .client
            .json_request(Method::POST, &path, "application/json", &review)
            .await;
        match result {
            Err(e) if e.is_not_found() => answer = Some(Err(e)),
            other => {
                answer = Some(other);
                break;
            }
        }
    }
    let review = match answer {
        Some(Ok(review)) => review,
        Some(Err(e)) if e.is_not_found() => {
            return Err(anyhow!("the selfsubjectreviews API is not enabled in the cluster"))
        }
        Some(Err(e)) if e.status().is_some_and(|s| s.reason == "Forbidden" || s.code == 403) => {
            return Err(anyhow!(
                "the selfsubjectreviews API is not enabled in the cluster or you do not have permission to call it"
            ))
        }
        Some(Err(e)) => return Err(e.into()),
        None => return Ok(()),
    };
    match printer {
        Some(printer) => printer.typed().print(&review, &mut ctx.out),
        None => {
            let mut w = TabWriter::for_tables(&mut ctx.out);
            w.write_all(user_info_table(&review).as_bytes())?;
            w.flush()?;
            Ok(())
        }
    }
}

/// The ATTRIBUTE/VALUE rows, tab-separated; lists as Go's `%v` prints them.
fn user_info_table(review: &Value) -> String {
    let info = review
        .pointer("/status/userInfo")
        .cloned()
        .unwrap_or(Value::Null);
    let text = |k: &str| info.get(k).and_then(Value::as_str).unwrap_or("");
    let list = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut out = String::from("ATTRIBUTE\tVALUE\n");
    if !text("username").is_empty() {
        out.push_str(&format!("Username\t{}\n", text("username")));
    }
    if !text("uid").is_empty() {
        out.push_str(&format!("UID\t{}\n", text("uid")));
    }
    let groups = list(info.get("groups"));
    if !groups.is_empty() {
        out.push_str(&format!("Groups\t[{}]\n", groups.join(" ")));
    }
    if let Some(extra) = info.get("extra").and_then(Value::as_object) {
        let mut keys: Vec<&String> = extra.keys().collect();
        keys.sort();
        for k in keys {
            out.push_str(&format!("Extra: {k}\t[{}]\n", list(extra.get(k)).join(" ")));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_rows() {
        let review = json!({"status": {"userInfo": {"username": "u", "groups": ["a", "b"],
            "extra": {"z": ["1"], "k": ["x", "y"]}}}});
        assert_eq!(
            user_info_table(&review),
            "ATTRIBUTE\tVALUE\nUsername\tu\nGroups\t[a b]\nExtra: k\t[x y]\nExtra: z\t[1]\n"
        );
    }
}
