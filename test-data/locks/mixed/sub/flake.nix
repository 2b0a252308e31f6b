{
  description = "sub-flake next to the mixed flake";
  outputs = { self }: { };
}
