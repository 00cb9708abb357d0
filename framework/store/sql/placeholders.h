#pragma once
// SQLite's placeholders (`?` and `?N`) as PostgreSQL's (`$N`).

#include <string>

namespace tunelab::sql {

// `?N` becomes `$N`; a bare `?` takes one more than the largest number so far,
// as SQLite numbers it. Quoted text ('...', "...") and comments are copied
// as they are.
std::string numbered_placeholders(const std::string& sql);

}  // namespace tunelab::sql
