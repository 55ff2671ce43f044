#include "node/maintenance.hpp"

#include <cstring>

namespace osb {

int run_maintenance_subcommand(int argc, char** argv) {
  if (argc < 2) return -1;
  (void)argv;
  return -1;
}

}  // namespace osb
