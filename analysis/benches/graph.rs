//! Building the NixOS module graph of a generated 50-host configuration repository (issue 4:
//! under 50 ms), and rebuilding it after an edit to one host's module.
//!
//! `cargo bench -p flakelint-analysis --bench graph`

use std::time::Duration;

use analysis::db::{self, AnalysisHost, Change};
use criterion::{criterion_group, criterion_main, Criterion};

const HOSTS: usize = 50;

/// A fleet repository: `flake.nix` with 50 configurations (every other one a Jetson with
/// jetpack-nixos's module, half through a `mkHost` helper, half written out), 12 shared
/// modules importing one another, per-host `default.nix` + `hardware.nix`, overlays in lists.
fn fleet() -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut flake = String::from(
        r#"{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.11";
  inputs.jetpack.url = "github:anduril/jetpack-nixos";
  inputs.jetpack.inputs.nixpkgs.follows = "nixpkgs";
  inputs.home-manager.url = "github:nix-community/home-manager";
  outputs = { self, nixpkgs, jetpack, home-manager, ... }@inputs:
    let
      baseModules = [ ./modules/common ./modules/users.nix home-manager.nixosModules.home-manager ];
      jetsonModules = baseModules ++ [ jetpack.nixosModules.default ./modules/jetson.nix ];
      mkHost = name: modules: nixpkgs.lib.nixosSystem {
        specialArgs = { inherit inputs; };
        modules = modules ++ [ ./hosts/${name} ];
      };
    in
    {
      nixosConfigurations = {
"#,
    );
    for i in 0..HOSTS {
        let name = format!("host{i:02}");
        let list = if i % 2 == 0 {
            "jetsonModules"
        } else {
            "baseModules"
        };
        if i % 4 < 2 {
            flake.push_str(&format!("        {name} = mkHost \"{name}\" {list};\n"));
        } else {
            flake.push_str(&format!(
                "        {name} = nixpkgs.lib.nixosSystem {{\n          specialArgs = {{ inherit inputs; }};\n          modules = {list} ++ [ ./hosts/{name} {{ networking.hostName = \"{name}\"; }} ];\n        }};\n"
            ));
        }
        let jetson = if i % 2 == 0 {
            "  hardware.nvidia-jetpack.som = \"orin-agx\";\n  hardware.nvidia-jetpack.carrierBoard = \"devkit\";\n"
        } else {
            ""
        };
        files.push((
            format!("/fleet/hosts/{name}/default.nix"),
            format!(
                "{{ config, lib, pkgs, inputs, ... }}:\n{{\n  imports = [ ./hardware.nix ../../modules/services/web.nix ];\n{jetson}  nixpkgs.overlays = [ (import ../../overlays/host-{}.nix) ];\n  services.openssh.enable = true;\n  system.stateVersion = \"25.11\";\n}}\n",
                i % 5
            ),
        ));
        files.push((
            format!("/fleet/hosts/{name}/hardware.nix"),
            format!(
                "{{ modulesPath, ... }}:\n{{\n  imports = [ (modulesPath + \"/installer/scan/not-detected.nix\") ];\n  fileSystems.\"/\" = {{ device = \"/dev/disk/by-label/{name}\"; fsType = \"ext4\"; }};\n  boot.initrd.availableKernelModules = [ \"nvme\" \"usbhid\" ];\n}}\n"
            ),
        ));
    }
    flake.push_str("      };\n    };\n}\n");
    files.push(("/fleet/flake.nix".into(), flake));
    let shared = [
        ("modules/common/default.nix", "{ imports = [ ./nix.nix ./locale.nix ./ssh.nix ../services ]; }"),
        ("modules/common/nix.nix", "{ inputs, ... }: { nix.settings.experimental-features = [ \"nix-command\" \"flakes\" ]; nix.registry.nixpkgs.flake = inputs.nixpkgs; nixpkgs.overlays = [ (import ../../overlays/tools.nix) ]; }"),
        ("modules/common/locale.nix", "{ time.timeZone = \"UTC\"; i18n.defaultLocale = \"en_US.UTF-8\"; }"),
        ("modules/common/ssh.nix", "{ lib, ... }: { services.openssh.enable = lib.mkDefault true; services.openssh.settings.PasswordAuthentication = false; }"),
        ("modules/services/default.nix", "{ imports = [ ./web.nix ./metrics.nix ./backup.nix ]; }"),
        ("modules/services/web.nix", "{ config, lib, pkgs, ... }: { services.nginx.enable = true; networking.firewall.allowedTCPPorts = [ 80 443 ]; }"),
        ("modules/services/metrics.nix", "{ services.prometheus.exporters.node.enable = true; imports = [ ./web.nix ]; }"),
        ("modules/services/backup.nix", "{ pkgs, ... }: { systemd.services.backup = { script = \"${pkgs.restic}/bin/restic backup /srv\"; startAt = \"daily\"; }; }"),
        ("modules/users.nix", "{ users.users.ops = { isNormalUser = true; extraGroups = [ \"wheel\" ]; }; }"),
        ("modules/jetson.nix", "{ inputs, lib, ... }: { hardware.nvidia-jetpack.enable = true; services.nvpmodel.enable = lib.mkDefault true; nixpkgs.overlays = [ (import ../overlays/camera.nix) ]; }"),
        ("overlays/tools.nix", "final: prev: { }"),
        ("overlays/camera.nix", "final: prev: { }"),
    ];
    for (path, text) in shared {
        files.push((format!("/fleet/{path}"), text.to_string()));
    }
    for i in 0..5 {
        files.push((
            format!("/fleet/overlays/host-{i}.nix"),
            "final: prev: { }".into(),
        ));
    }
    files
}

fn graph_of(host: &AnalysisHost) -> usize {
    let db = host.snapshot();
    let flake = db::file_by_path(&db, "/fleet/flake.nix").expect("flake.nix is loaded");
    let graphs = db::flake_graph(&db, flake);
    assert_eq!(graphs.len(), HOSTS);
    graphs
        .iter()
        .map(|g| g.files.len() + g.overlays.len())
        .sum()
}

fn bench(c: &mut Criterion) {
    let files = fleet();
    let mut group = c.benchmark_group("graph");
    group.measurement_time(Duration::from_secs(5));
    // From nothing: load the texts, parse, extract every module's facts, join 50 graphs.
    group.bench_function("50_hosts_cold", |b| {
        b.iter(|| {
            let mut host = AnalysisHost::default();
            let mut change = Change::default();
            for (path, text) in &files {
                change.set_file(path.clone(), text.clone());
            }
            host.apply_change(change);
            graph_of(&host)
        })
    });
    // After editing one host's module so that its imports change: one re-extraction and a
    // rebuild of the graphs from the facts already known.
    let mut host = AnalysisHost::default();
    let mut change = Change::default();
    for (path, text) in &files {
        change.set_file(path.clone(), text.clone());
    }
    host.apply_change(change);
    graph_of(&host);
    let mut flip = false;
    group.bench_function("50_hosts_after_editing_one_module", |b| {
        b.iter(|| {
            flip = !flip;
            let extra = if flip { " ../../modules/users.nix" } else { "" };
            let mut edit = Change::default();
            edit.set_file(
                "/fleet/hosts/host07/hardware.nix",
                format!("{{ imports = [ ../../modules/common/locale.nix{extra} ]; }}\n"),
            );
            host.apply_change(edit);
            graph_of(&host)
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
