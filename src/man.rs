//! Man pages, one per command and subcommand, generated from the clap
//! definitions. The pages are committed under `man/`; `tests/generated.rs`
//! fails when they are stale and rewrites them with `KUDDLE_BLESS=1`.

use clap::CommandFactory;

/// Every page as (file name, roff text), parents before children. Hidden
/// commands get none.
pub fn pages() -> Vec<(String, String)> {
    let mut root = without_help_subcommands(crate::app::Cli::command());
    root.build();
    let mut pages = Vec::new();
    collect(&root, &mut pages);
    pages
}

/// clap adds a `help` subcommand to every command with subcommands; kubectl
/// has none below the root, and it needs no page.
fn without_help_subcommands(cmd: clap::Command) -> clap::Command {
    cmd.disable_help_subcommand(true)
        .mut_subcommands(without_help_subcommands)
}

fn collect(cmd: &clap::Command, pages: &mut Vec<(String, String)>) {
    let man = clap_mangen::Man::new(cmd.clone()).manual("kuddle manual");
    let mut text = Vec::new();
    // Rendering into memory cannot fail.
    if man.render(&mut text).is_ok() {
        let text = String::from_utf8_lossy(&text);
        pages.push((man.get_filename(), ascii_roff(&text)));
    }
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        collect(sub, pages);
    }
}

/// Non-ASCII characters as groff escapes (`…` → `\\[u2026]`), so the pages
/// render the same whether or not the formatter is told the encoding.
fn ascii_roff(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!("\\[u{:04X}]", c as u32));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn non_ascii_is_escaped() {
        assert_eq!(super::ascii_roff("a…é"), "a\\[u2026]\\[u00E9]");
    }

    #[test]
    fn a_page_per_visible_command() {
        let names: Vec<String> = super::pages().into_iter().map(|(n, _)| n).collect();
        assert!(names.contains(&"kuddle.1".to_string()));
        assert!(names.contains(&"kuddle-create-deployment.1".to_string()));
        assert!(names.contains(&"kuddle-plugin-list.1".to_string()));
        assert!(!names.iter().any(|n| n.contains("help")), "{names:?}");
    }
}
