{ config, pkgs, lib, ... }:

{
  users.users.jetson = {
    isNormalUser = true;
    description = "Jetson developer";
    extraGroups = [ "wheel" "video" "dialout" ];
    openssh.authorizedKeys.keys = [
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFlinTexampleKeyOnlyForTestsXXXXXXXXXXXXXXX jetson@example"
    ];
  };

  security.sudo.wheelNeedsPassword = false;
}
