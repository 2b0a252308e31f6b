//! The rules: one file each, and this registry of their names, severities and documentation.

use crate::diagnostic::Severity;

macro_rules! rules {
    ($( $variant:ident => $module:ident, $name:literal, $sev:ident, $summary:literal; )*) => {
        $( pub mod $module; )*

        /// Every rule, in the order they are documented.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule { $( $variant, )* }

        impl Rule {
            pub const ALL: &'static [Rule] = &[ $( Rule::$variant, )* ];

            /// The stable kebab-case id used in configuration and suppressions.
            pub fn name(self) -> &'static str {
                match self { $( Rule::$variant => $name, )* }
            }

            pub fn default_severity(self) -> Severity {
                match self { $( Rule::$variant => Severity::$sev, )* }
            }

            /// One line saying what the rule flags.
            pub fn summary(self) -> &'static str {
                match self { $( Rule::$variant => $summary, )* }
            }

            /// The rule's documentation in Markdown: what it checks, why, an example, the fix.
            pub fn doc(self) -> &'static str {
                match self { $( Rule::$variant => $module::DOC, )* }
            }

            pub fn from_name(name: &str) -> Option<Rule> {
                match name { $( $name => Some(Rule::$variant), )* _ => None }
            }
        }
    };
}

rules! {
    SyntaxError => syntax_error, "syntax-error", Error, "a Nix file that does not parse, or a flake.lock that is not a valid lock";
}
