{ config, lib, ... }:

{
  networking.useNetworkd = true;
  networking.firewall.allowedTCPPorts = [ 22 ];

  systemd.network.networks."10-eth" = {
    matchConfig.Name = "eth0";
    networkConfig.DHCP = "yes";
  };
}
