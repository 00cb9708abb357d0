#pragma once
// The dashboard's page, scripts and styles, embedded in the binary at build
// time (cmake/embed_files.cmake), so that `tunelab serve` works offline and
// reads no file but the store.

#include <string>
#include <string_view>

namespace tunelab {

struct DashboardAsset {
  std::string_view content;
  const char* content_type;
};

// nullptr for a name that is not one of them ("index.html", "dashboard.js",
// "uPlot.iife.min.js", ...).
const DashboardAsset* dashboard_asset(const std::string& name);

}  // namespace tunelab
