#pragma once
// Where text stops being UTF-8. Everything tunelab reads as text (experiment
// files, CSV cells and headers, names on the command line) ends up in the
// store's JSON and in messages, which hold Unicode only: invalid bytes are
// refused where they are read, with their place.

#include <cstddef>
#include <optional>
#include <string_view>

namespace tunelab {

// The offset of the first byte that does not start a valid UTF-8 sequence
// (a stray continuation byte, a truncated or overlong sequence, a
// surrogate, a code point beyond U+10FFFF); nullopt when all of it is valid.
std::optional<std::size_t> first_invalid_utf8(std::string_view text);

}  // namespace tunelab
