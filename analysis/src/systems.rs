//! Nix system names (`x86_64-linux`, ...): the doubles nixpkgs knows, and the closest one to a
//! misspelt name.

/// The system doubles of nixpkgs' `lib.systems.doubles.all`, most common first.
pub const KNOWN_SYSTEMS: &[&str] = &[
    "x86_64-linux",
    "aarch64-linux",
    "x86_64-darwin",
    "aarch64-darwin",
    "i686-linux",
    "armv6l-linux",
    "armv7l-linux",
    "armv7a-linux",
    "armv5tel-linux",
    "aarch64_be-linux",
    "riscv32-linux",
    "riscv64-linux",
    "powerpc-linux",
    "powerpc64-linux",
    "powerpc64le-linux",
    "mips-linux",
    "mipsel-linux",
    "mips64-linux",
    "mips64el-linux",
    "loongarch64-linux",
    "s390-linux",
    "s390x-linux",
    "m68k-linux",
    "microblaze-linux",
    "microblazeel-linux",
    "armv7a-darwin",
    "i686-darwin",
    "x86_64-freebsd",
    "i686-freebsd",
    "aarch64-freebsd",
    "powerpc64-freebsd",
    "x86_64-netbsd",
    "i686-netbsd",
    "aarch64-netbsd",
    "armv6l-netbsd",
    "armv7a-netbsd",
    "armv7l-netbsd",
    "mipsel-netbsd",
    "powerpc-netbsd",
    "riscv32-netbsd",
    "riscv64-netbsd",
    "m68k-netbsd",
    "x86_64-openbsd",
    "i686-openbsd",
    "x86_64-solaris",
    "x86_64-illumos",
    "x86_64-cygwin",
    "i686-cygwin",
    "x86_64-windows",
    "i686-windows",
    "aarch64-windows",
    "x86_64-genode",
    "i686-genode",
    "aarch64-genode",
    "x86_64-redox",
    "aarch64-none",
    "aarch64_be-none",
    "arm-none",
    "armv6l-none",
    "avr-none",
    "i686-none",
    "microblaze-none",
    "microblazeel-none",
    "mips-none",
    "mips64-none",
    "msp430-none",
    "or1k-none",
    "m68k-none",
    "powerpc-none",
    "powerpcle-none",
    "riscv32-none",
    "riscv64-none",
    "rx-none",
    "s390-none",
    "s390x-none",
    "vc4-none",
    "x86_64-none",
    "wasm32-wasi",
    "wasm64-wasi",
    "js-ghcjs",
    "mmix-mmixware",
];

/// Other spellings of CPU and OS names.
const ALIASES: &[(&str, &str)] = &[
    ("amd64", "x86_64"),
    ("x64", "x86_64"),
    ("x86-64", "x86_64"),
    ("arm64", "aarch64"),
    ("armv8", "aarch64"),
    ("i386", "i686"),
    ("x86", "i686"),
    ("macos", "darwin"),
    ("osx", "darwin"),
    ("apple", "darwin"),
    ("gnu", "linux"),
];

pub fn is_known(system: &str) -> bool {
    KNOWN_SYSTEMS.contains(&system)
}

/// The known system a misspelt one most likely means, if any is close enough to say so.
pub fn suggest(system: &str) -> Option<&'static str> {
    if is_known(system) {
        return None;
    }
    let lower = system.to_ascii_lowercase();
    // `x86_64_linux` splits wrong at its first underscore: try every separator position.
    let mut candidates = vec![lower.clone()];
    for (i, c) in lower.char_indices() {
        if c == '-' || c == '_' || c == ' ' {
            let (cpu, os) = (&lower[..i], &lower[i + 1..]);
            let cpu = ALIASES
                .iter()
                .find(|(a, _)| *a == cpu)
                .map_or(cpu, |(_, r)| r);
            let os = ALIASES
                .iter()
                .find(|(a, _)| *a == os)
                .map_or(os, |(_, r)| r);
            candidates.push(format!("{cpu}-{os}"));
            // `linux-x86_64`, reversed.
            candidates.push(format!("{os}-{cpu}"));
        }
    }
    for candidate in &candidates {
        if let Some(known) = KNOWN_SYSTEMS.iter().find(|k| **k == candidate) {
            return Some(known);
        }
    }
    crate::lints::closest_static(&lower, KNOWN_SYSTEMS, 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let cases = [
            ("x86_64_linux", Some("x86_64-linux")),
            ("aarch64_linux", Some("aarch64-linux")),
            ("arm64-darwin", Some("aarch64-darwin")),
            ("amd64-linux", Some("x86_64-linux")),
            ("linux-aarch64", Some("aarch64-linux")),
            ("x86_64-Linux", Some("x86_64-linux")),
            ("aarch64-linx", Some("aarch64-linux")),
            ("x86_64-linux", None),
            ("default", None),
            ("hello", None),
        ];
        for (input, expected) in cases {
            assert_eq!(suggest(input), expected, "{input}");
        }
    }
}
