//! `double-overlay`: the same overlay reaches one configuration's nixpkgs twice.

use std::collections::BTreeMap;

use rnix::SyntaxKind;
use rowan::{NodeOrToken, TextRange};

use super::{FileKind, LintCtx, Rule};
use crate::db::{self, Db};
use crate::diagnostic::Fix;
use crate::modules::graph::{duplicate_overlays, ConfigGraph, OverlayUse};
use crate::paths;

pub(crate) const DOC: &str = r#"# double-overlay

## What it checks
An overlay that reaches the nixpkgs of one NixOS configuration twice: listed twice in
`nixpkgs.overlays` (in one list or in two modules of the configuration), listed by you while a
module already applies it (jetpack-nixos's NixOS module applies `overlays.default`, and with it
`overlay.nix`, itself once `hardware.nvidia-jetpack.enable = true` is set), or given both to
`import nixpkgs { overlays = ...; }` passed as `pkgs` and in `nixpkgs.overlays`. Each place gets
one finding: a second listing is reported as listed twice (with both places, and the module
when one applies the overlay as well), the first listing as applied by the module. Of several
`nixpkgs.overlays` definitions only those of the winning priority count: a `lib.mkForce` list
replaces the others, a `lib.mkDefault` one gives way to them. Two entries are the same overlay
when they name the same value once names are resolved: `jetpack.overlays.default` passed through
`specialArgs` is `inputs.jetpack.overlays.default`, and a `let`-bound overlay used twice is one
overlay. A module shared by several configurations is judged in each, and the message names the
configurations and both places. Overlays written inline are each their own overlay (a function
returning an overlay makes a new one at each call); entries that cannot be named statically, and
lists under `lib.mkIf`, are not judged. When `hardware.nvidia-jetpack.enable = true` is not seen
(set elsewhere, or under `mkIf`), what jetpack-nixos's module applies is not counted. A module
that no configuration reaches is judged with what it imports.

## Why it matters
Nixpkgs applies the overlay twice: every package it defines is built on top of its own
previous definition, which costs evaluation time and can wrap packages twice or rebuild them.
Recent jetpack-nixos guards `overlays.default` against a second application, but not
`overlay.nix` imported directly, and older revisions guard nothing.

## Example
```nix
nixosConfigurations.orin = nixpkgs.lib.nixosSystem {
  modules = [
    jetpack.nixosModules.default
    { nixpkgs.overlays = [ jetpack.overlays.default ]; }
  ];
};
```

## Fix
Remove the second listing (offered as a fix when both are in one list). With jetpack-nixos's
module included, do not list its overlay at all.
"#;

pub(crate) fn check(ctx: &mut LintCtx) {
    if !matches!(ctx.kind, FileKind::Nix | FileKind::FlakeNix) || !ctx.text.contains("overlays") {
        return;
    }
    let configs = db::configurations_of(ctx.db, ctx.file);
    let graphs: Vec<&ConfigGraph> = if configs.is_empty() {
        vec![db::standalone_graph(ctx.db, ctx.file)]
    } else {
        configs
    };
    let base = match ctx.flake() {
        Some(flake) => flake.root(ctx.db).to_string(),
        None => paths::parent(ctx.path).to_string(),
    };
    // One finding per place and explanation, naming every configuration it holds in.
    let mut found: BTreeMap<(u32, u32, String), Finding> = BTreeMap::new();
    for graph in graphs {
        let pairs = duplicate_overlays(graph);
        for &(here, other) in &pairs {
            if here.file != ctx.path {
                continue;
            }
            // A second listing of an overlay that a module applies as well.
            let module = (!other.by_module)
                .then(|| {
                    pairs
                        .iter()
                        .find(|(first, m)| m.by_module && first.key == here.key)
                })
                .flatten()
                .map(|&(_, m)| m);
            let written = entry_text(ctx.text, here.range);
            let what = explain(ctx.db, &base, &written, here, other, module);
            let entry = found
                .entry((here.range.start().into(), here.range.end().into(), what))
                .or_insert_with(|| (Vec::new(), removal(ctx, here, other)));
            entry.0.extend(graph.name.clone());
        }
    }
    for ((start, end, what), (names, fix)) in found {
        let range = TextRange::new(start.into(), end.into());
        let message = match names.as_slice() {
            [] => what.replacen("{in}", "", 1),
            [one] => what.replacen("{in}", &format!(" in configuration `{one}`"), 1),
            many => {
                let list: Vec<String> = many.iter().map(|n| format!("`{n}`")).collect();
                what.replacen("{in}", &format!(" in configurations {}", list.join(", ")), 1)
            }
        };
        ctx.report(Rule::DoubleOverlay, range, message, fix);
    }
}

/// The other place of the finding at `range` in `file` (there may be one per configuration):
/// its file, range, and whether it is where jetpack-nixos's module (which applies the overlay
/// itself) is included. For an editor's related information.
pub fn other_places(
    db: &dyn Db,
    file: db::SourceFile,
    range: TextRange,
) -> Vec<(String, TextRange, bool)> {
    let path = file.path(db);
    let configs = db::configurations_of(db, file);
    let standalone;
    let graphs: Vec<&ConfigGraph> = if configs.is_empty() {
        standalone = db::standalone_graph(db, file);
        vec![&standalone]
    } else {
        configs
    };
    let mut out: Vec<(String, TextRange, bool)> = Vec::new();
    for graph in graphs {
        let pairs = duplicate_overlays(graph);
        for &(here, other) in &pairs {
            if &here.file != path || here.range != range {
                continue;
            }
            // A second listing: the first, and the module that applies the overlay as well.
            let module = pairs
                .iter()
                .filter(|(first, m)| !other.by_module && m.by_module && first.key == here.key)
                .map(|&(_, m)| m);
            for u in std::iter::once(other).chain(module) {
                let place = (u.file.clone(), u.range, u.by_module);
                if !out.contains(&place) {
                    out.push(place);
                }
            }
        }
    }
    out
}

/// The configurations a finding holds in, and its fix.
type Finding = (Vec<String>, Option<Fix>);

/// Removing the second listing when the first is earlier in the same list: the list keeps the
/// overlay once, whichever configuration the file is in.
fn removal(ctx: &LintCtx, here: &OverlayUse, other: &OverlayUse) -> Option<Fix> {
    if other.by_module || other.file != here.file {
        return None;
    }
    let root = ctx.parsed().root();
    let mut node = match root.covering_element(here.range) {
        NodeOrToken::Node(n) => n,
        NodeOrToken::Token(t) => t.parent()?,
    };
    while node.parent().map(|p| p.kind()) != Some(SyntaxKind::NODE_LIST) {
        node = node.parent()?;
    }
    if node.text_range() != here.range {
        return None;
    }
    let list = node.parent()?;
    let items: Vec<_> = list.children().collect();
    let index = items.iter().position(|n| n.text_range() == here.range)?;
    if !items[..index].iter().any(|n| n.text_range() == other.range) {
        return None;
    }
    Some(Fix::replace(
        "remove the second listing",
        ctx.path,
        removal_range(ctx.text, items[index - 1].text_range().end(), here.range),
        "",
    ))
}

/// What to delete for a list entry: its own line when it stands alone on one, otherwise the
/// entry and the blanks before it (comments next to the previous entry stay).
fn removal_range(text: &str, prev_end: rowan::TextSize, entry: TextRange) -> TextRange {
    let (start, end) = (usize::from(entry.start()), usize::from(entry.end()));
    let before = text.get(usize::from(prev_end)..start).unwrap_or("");
    let blanks = before.len() - before.trim_end().len();
    let blank_start = start - blanks;
    let after = text.get(end..).unwrap_or("");
    let rest_of_line = after.split('\n').next().unwrap_or("");
    let own_line = text[blank_start..start].contains('\n')
        && rest_of_line.trim().is_empty()
        && after.len() > rest_of_line.len();
    if own_line {
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = end + rest_of_line.len() + 1;
        return TextRange::new((line_start as u32).into(), (line_end as u32).into());
    }
    TextRange::new((blank_start as u32).into(), entry.end())
}

/// The entry as written, on one line and short.
fn entry_text(text: &str, range: TextRange) -> String {
    let written = text.get(usize::from(range.start())..usize::from(range.end())).unwrap_or("");
    let one_line = written.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 60 {
        format!("{}...", one_line.chars().take(57).collect::<String>())
    } else {
        one_line
    }
}

/// The message for the use `here` of an overlay whose earlier use is `other`; `module` is where
/// jetpack-nixos's module, which applies the overlay too, is included when `here` is a second
/// listing of it.
fn explain(
    db: &dyn Db,
    base: &str,
    written: &str,
    here: &OverlayUse,
    other: &OverlayUse,
    module: Option<&OverlayUse>,
) -> String {
    let (a, b) = (position(db, &here.file, here.range), position(db, &other.file, other.range));
    // Two places on one line are told apart by their columns.
    let with_col = here.file == other.file && a.0 == b.0;
    let at = |u: &OverlayUse, (line, col): (u32, u32), with_col: bool| {
        let rel = paths::strip_dir(&u.file, base).filter(|r| !r.is_empty()).unwrap_or(&u.file);
        if with_col {
            format!("{rel}:{line}:{col}")
        } else {
            format!("{rel}:{line}")
        }
    };
    let (here_at, other_at) = (at(here, a, with_col), at(other, b, with_col));
    // A name bound to the overlay (`tools`) says what it is: `import ./overlays/tools.nix`.
    let inline = here.display.contains("(inline)")
        || here.display.contains('<')
        || here.display.chars().count() > 60;
    let written = if inline || here.display == written || written.contains(&here.display) {
        format!("`{written}`")
    } else {
        format!("`{written}` (`{}`)", here.display)
    };
    if let Some(m) = module {
        let module_at = at(m, position(db, &m.file, m.range), false);
        format!(
            "overlay {} is listed twice{{in}}: at {} and at {}, and jetpack-nixos's NixOS module applies it as well (included at {})",
            written, here_at, other_at, module_at
        )
    } else if other.by_module {
        format!(
            "overlay {} reaches nixpkgs twice{{in}}: listed at {}, and applied by jetpack-nixos's NixOS module itself (included at {})",
            written, here_at, other_at
        )
    } else {
        format!(
            "overlay {} reaches nixpkgs twice{{in}}: at {} and at {}",
            written, here_at, other_at
        )
    }
}

/// The 1-based line and column of a place in a file of the workspace.
fn position(db: &dyn Db, file: &str, range: TextRange) -> (u32, u32) {
    db::line_col_of(db, file, range.start()).unwrap_or((0, 0))
}
