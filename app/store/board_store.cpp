#include "store/board_store.hpp"

#include "store/node_store.hpp"
#ifdef OPENSPACE_HAVE_POSTGRES
#include "store/pg_store.hpp"
#endif

namespace osb {

bool postgres_supported() {
#ifdef OPENSPACE_HAVE_POSTGRES
  return true;
#else
  return false;
#endif
}

BoardStoreFactory board_store_factory(BoardLocation where, Event event) {
  if (where.is_postgres()) {
#ifdef OPENSPACE_HAVE_POSTGRES
    return [conninfo = std::move(where.postgres), event = std::move(event)]() -> std::unique_ptr<BoardStore> {
      return std::make_unique<PgStore>(conninfo, event);
    };
#else
    throw StoreError(0, "[store] postgres is set, but this openspace-node was built without PostgreSQL "
                        "(install libpq-dev and build again with -DOPENSPACE_POSTGRES=ON)");
#endif
  }
  return [path = std::move(where.sqlite_path), event = std::move(event)]() -> std::unique_ptr<BoardStore> {
    return std::make_unique<NodeStore>(path, event);
  };
}

std::unique_ptr<ChangeFeed> change_feed(const BoardLocation& where) {
#ifdef OPENSPACE_HAVE_POSTGRES
  if (where.is_postgres()) return std::make_unique<PgChangeFeed>(where.postgres);
#else
  (void)where;
#endif
  return nullptr;
}

std::uint64_t BoardStore::open_session(const std::string&, std::int64_t) {
  throw StoreError(0, "this board store does not share staff sessions");
}
std::uint64_t BoardStore::find_session(const std::string&, std::int64_t) { return 0; }
bool BoardStore::revoke_session(const std::string&, std::int64_t) { return false; }

}  // namespace osb
