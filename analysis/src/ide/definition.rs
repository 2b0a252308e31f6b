//! Go to definition: an option to its declaration, a path literal to the file, an input name to
//! its declaration in `inputs`, a `follows` target to the input it names.

use rowan::{TextRange, TextSize};

use super::target::{target_at, Target};
use super::NavTarget;
use crate::db::{self, Db, Existence, SourceFile};
use crate::options::index::Lookup;
use crate::paths;

pub(crate) fn definition(db: &dyn Db, file: SourceFile, offset: TextSize) -> Vec<NavTarget> {
    let Some(target) = target_at(db, file, offset) else {
        return Vec::new();
    };
    match target {
        Target::Option { path, .. } => {
            let index = db::option_index_for(db, file);
            // Declarations of the bundled index name files that are not on this machine.
            let on_disk = |file: &str| file.starts_with('/');
            match index.lookup(&path) {
                Lookup::Option(decls) => decls
                    .iter()
                    .filter(|d| on_disk(&d.file))
                    .map(|d| NavTarget {
                        path: d.file.clone(),
                        range: d.range,
                    })
                    .collect(),
                _ => index
                    .rename_of(&path)
                    .filter(|r| on_disk(&r.file))
                    .map(|r| NavTarget {
                        path: r.file.clone(),
                        range: r.range,
                    })
                    .into_iter()
                    .collect(),
            }
        }
        Target::Input { path, flake, .. } => {
            let model = db::flake_model(db, flake.flake_nix);
            let Some(decl) = model.inputs.iter().find(|i| i.name == path[0]) else {
                return Vec::new();
            };
            // A nested input declared only in its own flake: its root input is the nearest
            // declaration there is.
            let range = decl
                .overrides
                .iter()
                .find(|o| path.len() > 1 && o.path == path[1..])
                .map_or(decl.name_range, |o| o.range);
            vec![NavTarget {
                path: flake.flake_nix.path(db).clone(),
                range,
            }]
        }
        Target::Path(r) => {
            let disk = db.workspace().disk(db);
            let default_nix = paths::join(&r.target, "default.nix");
            let path = if disk.existence(&default_nix) == Existence::Exists {
                default_nix
            } else if disk.existence(&r.target) != Existence::Missing {
                r.target.clone()
            } else {
                return Vec::new();
            };
            vec![NavTarget {
                path,
                range: TextRange::empty(TextSize::from(0)),
            }]
        }
    }
}
