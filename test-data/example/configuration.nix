{ config, pkgs, lib, ... }:

{
  imports = [
    ./modules/users.nix
    # Deliberately missing file (missing-file).
    ./modules/camera.nix
  ];

  hardware.nvidia-jetpack.enable = true;
  hardware.nvidia-jetpack.som = "orin-agx";
  hardware.nvidia-jetpack.carrierBoard = "devkit";

  hardware.graphics.enable = true;

  services.nvpmodel.profileNumber = 0;
  services.openssh.enable = true;
  services.openssh.settings.PasswordAuthentication = false;

  boot.loader.systemd-boot.enable = true;
  boot.loader.efi.canTouchEfiVariables = true;

  networking.hostName = "orin";

  time.timeZone = "UTC";

  environment.systemPackages = with pkgs; [
    git
    htop
    pciutils
    usbutils
  ];

  nix.settings.experimental-features = [ "nix-command" "flakes" ];

  system.stateVersion = "24.11";
}
