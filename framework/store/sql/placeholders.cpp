#include "store/sql/placeholders.h"

#include <algorithm>
#include <cctype>

namespace tunelab::sql {

std::string numbered_placeholders(const std::string& sql) {
  std::string out;
  out.reserve(sql.size() + 8);
  int largest = 0;
  for (std::size_t i = 0; i < sql.size();) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {
      // To the closing quote; a doubled quote inside is part of the text.
      std::size_t end = i + 1;
      while (end < sql.size()) {
        if (sql[end] == c) {
          if (end + 1 < sql.size() && sql[end + 1] == c) {
            end += 2;
            continue;
          }
          break;
        }
        ++end;
      }
      end = std::min(end + 1, sql.size());
      out.append(sql, i, end - i);
      i = end;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      const std::size_t end = std::min(sql.find('\n', i), sql.size());
      out.append(sql, i, end - i);
      i = end;
    } else if (c == '?') {
      std::size_t end = i + 1;
      while (end < sql.size() && std::isdigit(static_cast<unsigned char>(sql[end]))) ++end;
      const int number = end > i + 1 ? std::stoi(sql.substr(i + 1, end - i - 1)) : largest + 1;
      largest = std::max(largest, number);
      out += '$' + std::to_string(number);
      i = end;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

}  // namespace tunelab::sql
