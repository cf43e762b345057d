{ pkgs, ... }:
{
  boot.kernelParams = [ "panic=30" ];
  environment.systemPackages = [ pkgs.vim ];
}
