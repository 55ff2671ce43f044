// openspace-admin: staff command line over the node's HTTP API.
#include <cstdio>

int main() {
  std::fprintf(stderr, "openspace-admin: not available yet\n");
  return 1;
}
