//! The completion scripts, one template per shell with the program name
//! filled in. They all speak the `__complete` protocol (see the module
//! above), so they behave like kubectl's.

/// A shell `kuddle completion` can write a script for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    PowerShell,
}

impl Shell {
    pub const ALL: [Shell; 4] = [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::PowerShell];

    /// The shell named on the command line.
    pub fn from_name(name: &str) -> Option<Shell> {
        Shell::ALL.into_iter().find(|s| s.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Shell::Bash => "bash",
            Shell::Zsh => "zsh",
            Shell::Fish => "fish",
            Shell::PowerShell => "powershell",
        }
    }

    /// Where the generated script is kept in the repository.
    pub fn file_name(self, program: &str) -> String {
        match self {
            Shell::Bash => format!("{program}.bash"),
            Shell::Zsh => format!("_{program}"),
            Shell::Fish => format!("{program}.fish"),
            Shell::PowerShell => format!("{program}.ps1"),
        }
    }

    fn template(self) -> &'static str {
        match self {
            Shell::Bash => include_str!("scripts/bash.sh"),
            Shell::Zsh => include_str!("scripts/zsh.zsh"),
            Shell::Fish => include_str!("scripts/fish.fish"),
            Shell::PowerShell => include_str!("scripts/powershell.ps1"),
        }
    }
}

/// The script for `shell`, completing `program`.
pub fn script(shell: Shell, program: &str) -> String {
    shell
        .template()
        .replace("@PROG_ENV@", &env_prefix(program))
        .replace("@PROG@", program)
}

/// cobra's environment-variable prefix: the name upper-cased, anything but
/// A-Z, 0-9 and `_` turned into `_`.
fn env_prefix(program: &str) -> String {
    program
        .to_uppercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn program_name_is_filled_in_everywhere() {
        let registrations = [
            (Shell::Bash, "-F __start_my-tool my-tool"),
            (Shell::Zsh, "compdef _my-tool my-tool"),
            (Shell::Fish, "complete -c my-tool -e"),
            (Shell::PowerShell, "-CommandName 'my-tool'"),
        ];
        for (shell, registration) in registrations {
            let text = script(shell, "my-tool");
            assert!(!text.contains("@PROG"), "{shell:?}");
            assert!(text.contains(registration), "{shell:?}");
        }
        assert!(script(Shell::Fish, "my-tool").contains("MY_TOOL_ACTIVE_HELP=0"));
        assert_eq!(Shell::from_name("tcsh"), None);
        assert_eq!(Shell::from_name("powershell"), Some(Shell::PowerShell));
    }
}
