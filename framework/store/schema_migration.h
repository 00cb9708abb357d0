#pragma once
// The store's schema: its version, the migration of an older store in place
// (every statement idempotent, rows kept), and the views rebuilt as studies
// bring new param names. Not for use outside store/.

#include "store/sql/connection.h"
#include "store/store_connection.h"

namespace tunelab {

// 0 for a database without tunelab's schema_version table's row.
int schema_version(sql::Connection& db);

// Brings the store to this tunelab's schema version in one transaction.
// InputError when it is newer, or another program's database.
void migrate(StoreConnection& store);

// Rebuilds the trial_summary view with a column for every param name.
void refresh_views(sql::Connection& db);

}  // namespace tunelab
