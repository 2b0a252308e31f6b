#!/bin/bash
# Builds the fake "upstream" repositories under /upstream and primes Nix 2.8's fetcher
# cache (~/.cache/nix/fetcher-cache-v1.sqlite) so that github: references resolve
# offline:
#   - a "git-tarball" entry per commit: {"rev": REV, "type": "git-tarball"} -> store path
#     of `git archive REV` added as a fixed-output "source" path, info {"lastModified":
#     commit date}; this is what Nix 2.8's github fetcher looks up before downloading;
#   - a "file" entry per branch and HEAD for the GitHub API URL
#     https://api.github.com/repos/OWNER/REPO/commits/REF -> a file {"sha": REV}; this is
#     what it downloads to turn a ref (or no ref = HEAD) into a rev. Offline, Nix warns
#     "unable to download ...; using cached version" and uses it.
# Run as root on a scratch machine: it deletes and recreates /upstream.
# Commit dates and authors are fixed, so revs and narHashes are reproducible.
set -euo pipefail
U=/upstream
rm -rf $U; mkdir -p $U/github
export GIT_AUTHOR_NAME=upstream GIT_AUTHOR_EMAIL=upstream@example.invalid
export GIT_COMMITTER_NAME=upstream GIT_COMMITTER_EMAIL=upstream@example.invalid
commit() { # msg date
  git add -A; GIT_AUTHOR_DATE="$2" GIT_COMMITTER_DATE="$2" git commit -qm "$1"; }
newrepo() { mkdir -p "$1"; cd "$1"; git init -q -b master; }

# NixOS/nixpkgs: three revisions (branches nixos-24.05, nixos-24.11, master = HEAD)
newrepo $U/github/NixOS/nixpkgs
cat > flake.nix <<'EOF'
{
  description = "fake nixpkgs";
  outputs = { self }: { lib = { release = "24.05"; }; };
}
EOF
commit "nixpkgs 24.05" "2024-05-01T12:00:00Z"; git branch nixos-24.05
sed -i 's/24.05/24.11/' flake.nix; commit "nixpkgs 24.11" "2024-11-20T12:00:00Z"; git branch nixos-24.11
sed -i 's/24.11/25.05pre/' flake.nix; commit "nixpkgs master" "2025-01-15T12:00:00Z"

newrepo $U/github/nix-systems/default
cat > flake.nix <<'EOF'
{
  description = "fake nix-systems/default";
  outputs = { self }: { systems = [ "x86_64-linux" "aarch64-linux" ]; };
}
EOF
commit "systems" "2023-04-09T12:00:00Z"

newrepo $U/github/numtide/flake-utils
cat > flake.nix <<'EOF'
{
  description = "fake flake-utils";
  inputs.systems.url = "github:nix-systems/default";
  outputs = { self, systems }: { lib = { }; };
}
EOF
commit "flake-utils" "2024-11-13T12:00:00Z"

# anduril/jetpack-nixos: branch r35 (older) and master = HEAD; own nixpkgs input
newrepo $U/github/anduril/jetpack-nixos
cat > flake.nix <<'EOF'
{
  description = "fake jetpack-nixos";
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.05";
  outputs = { self, nixpkgs }: { nixosModules.default = { }; };
}
EOF
commit "jetpack r35" "2024-12-05T12:00:00Z"; git branch r35
echo "# r36" >> flake.nix; commit "jetpack master" "2025-02-10T12:00:00Z"

newrepo $U/github/example/b
cat > flake.nix <<'EOF'
{
  description = "fake b: brings its own nixpkgs";
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.05";
  outputs = { self, nixpkgs }: { };
}
EOF
commit "b" "2024-09-01T12:00:00Z"

newrepo $U/github/example/a
cat > flake.nix <<'EOF'
{
  description = "fake a: depends on b";
  inputs.b.url = "github:example/b";
  outputs = { self, b }: { };
}
EOF
commit "a" "2024-10-01T12:00:00Z"

# monorepo with a flake in a subdirectory (for dir=)
newrepo $U/github/example/monorepo
mkdir -p nix
cat > nix/flake.nix <<'EOF'
{
  description = "flake in a subdirectory";
  outputs = { self }: { };
}
EOF
echo "monorepo" > README
commit "monorepo" "2024-08-01T12:00:00Z"

# non-flake source, as a git repo and as a tarball
newrepo $U/nonflake
echo '{ hello = 1; }' > default.nix
commit "nonflake" "2024-03-03T12:00:00Z"
tar -C $U -czf $U/nonflake.tar.gz --exclude=.git nonflake

# plain directory (path: input); lastModified of a path input is the newest mtime
mkdir -p $U/local-flake
cat > $U/local-flake/flake.nix <<'EOF'
{
  description = "plain directory flake";
  outputs = { self }: { };
}
EOF
touch -d "2024-06-01T12:00:00Z" $U/local-flake $U/local-flake/flake.nix

# short names for the git+file inputs (Nix records the URL as written, not the target)
ln -s github/NixOS/nixpkgs $U/nixpkgs
ln -s github/anduril/jetpack-nixos $U/jetpack-nixos
ln -s github/example/monorepo $U/monorepo

# registry for indirect refs (passed with --option flake-registry)
cat > $U/registry.json <<'EOF'
{"version":2,"flakes":[
 {"from":{"type":"indirect","id":"nixpkgs"},"to":{"type":"github","owner":"NixOS","repo":"nixpkgs","ref":"nixos-24.11"}}
]}
EOF

# prime the fetcher cache
python3 - <<'EOF'
import sqlite3, json, subprocess, os, time, tempfile, shutil
U = "/upstream/github"
p = os.path.expanduser("~/.cache/nix/fetcher-cache-v1.sqlite")
os.makedirs(os.path.dirname(p), exist_ok=True)
db = sqlite3.connect(p)
db.execute("create table if not exists Cache (input text not null, info text not null,"
           " path text not null, immutable integer not null, timestamp integer not null,"
           " primary key (input))")
def put(inp, info, path, imm):
    db.execute("insert or replace into Cache values (?,?,?,?,?)",
               (json.dumps(inp, separators=(',', ':'), sort_keys=True),
                json.dumps(info, separators=(',', ':'), sort_keys=True), path, imm, int(time.time())))
def git(repo, *a):
    return subprocess.check_output(["git", "-C", repo] + list(a), text=True).strip()
def add_api_answer(owner, name, ref, rev):
    t = tempfile.mkdtemp(); f = f"{t}/source"
    open(f, "w").write(json.dumps({"sha": rev}))
    sp = subprocess.check_output(["nix-store", "--add-fixed", "sha256", f], text=True).strip()
    url = f"https://api.github.com/repos/{owner}/{name}/commits/{ref}"
    put({"type": "file", "name": "source", "url": url}, {"etag": "", "url": url}, sp, 0)
    shutil.rmtree(t)
for owner in sorted(os.listdir(U)):
    for name in sorted(os.listdir(f"{U}/{owner}")):
        repo = f"{U}/{owner}/{name}"
        refs = {}
        for line in git(repo, "for-each-ref", "--format=%(refname:short) %(objectname)", "refs/heads").splitlines():
            r, h = line.split(); refs[r] = h
        refs["HEAD"] = git(repo, "rev-parse", "HEAD")
        for rev in sorted(set(refs.values())):
            t = tempfile.mkdtemp(); src = f"{t}/source"; os.mkdir(src)
            subprocess.check_call(f"git -C {repo} archive {rev} | tar -x -C {src}", shell=True)
            sp = subprocess.check_output(["nix-store", "--add-fixed", "--recursive", "sha256", src], text=True).strip()
            lm = int(git(repo, "log", "-1", "--format=%ct", rev))
            put({"type": "git-tarball", "rev": rev}, {"lastModified": lm}, sp, 1)
            shutil.rmtree(t)
        for ref, rev in sorted(refs.items()):
            add_api_answer(owner, name, ref, rev)
            if (owner, name) == ("NixOS", "nixpkgs"):  # also answer for a lowercase owner
                add_api_answer("nixos", name, ref, rev)
            print(f"github:{owner}/{name}/{ref} -> {rev}")
db.commit()
EOF
