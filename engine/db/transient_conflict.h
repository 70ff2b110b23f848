// Database errors that say "another writer was in the way", which the same transaction, run again,
// may well not meet: what work claims, heartbeats and settles of many drain workers run into.
#pragma once

#include <functional>

#include "common/result.h"

namespace csm::db {

// True when `status` is a database error caused by a concurrent writer rather than by the
// statement or the data: SQLite's "database is locked" (another process holds the one write
// lock), a MySQL/MariaDB deadlock or lock wait timeout (also how a Galera node reports that
// certification aborted its transaction in favour of another node's), a PostgreSQL deadlock or
// serialization failure. False for everything else, also for a server that went away.
bool IsTransientConflict(const Status& status);

// Runs `attempt` (one whole transaction, which must leave nothing behind when it fails) until it
// succeeds, fails with anything but a transient conflict, or has met `max_attempts` conflicts in a
// row; between attempts it waits a growing, jittered delay (10 ms doubling up to 1 s: about 30 s in
// all for the default 40 attempts). Returns the last attempt's status.
Status RetryOnConflict(const std::function<Status()>& attempt, int max_attempts = 40);

}  // namespace csm::db
