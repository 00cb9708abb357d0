#include "cli/output_file.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "common/errors.h"
#include "common/file_writing.h"

namespace tunelab::cli {
namespace fs = std::filesystem;
namespace {

// Whether `path` is `guarded` or lies inside it (when `guarded` is a folder),
// through links and `..` alike.
bool reaches(const fs::path& path, const fs::path& guarded) {
  std::error_code ec;
  if (fs::exists(path, ec) && fs::exists(guarded, ec) && fs::equivalent(path, guarded, ec))
    return true;
  const fs::path target = fs::weakly_canonical(fs::absolute(path), ec);
  if (ec) return false;
  const fs::path inside = fs::weakly_canonical(fs::absolute(guarded), ec);
  if (ec) return false;
  auto t = target.begin();
  for (auto g = inside.begin(); g != inside.end(); ++g, ++t)
    if (t == target.end() || *t != *g) return false;
  return true;
}

}  // namespace

OutputFile::OutputFile(std::string option, const std::string& path,
                       const std::vector<fs::path>& protected_paths)
    : option_(std::move(option)), path_(path) {
  if (path.empty() || path == "-") {
    kind_ = Kind::standard_output;
    return;
  }
  const auto refuse = [&](const std::string& why) {
    return InputError(fmt::format("{} {}: {}", option_, path, why));
  };
  struct stat seen {};
  if (::lstat(path.c_str(), &seen) == 0) {
    struct stat followed {};
    const bool dangling = ::stat(path.c_str(), &followed) != 0;
    if (!dangling && S_ISDIR(followed.st_mode)) throw refuse("is a directory");
    if (S_ISREG(seen.st_mode))
      kind_ = Kind::regular_file;
    else
      kind_ = Kind::write_through;  // a device, pipe, socket or link: never replaced
    if (S_ISLNK(seen.st_mode) && dangling) {
      // A link to nothing yet: writing creates its target, whose folder must exist.
      const fs::path target = fs::read_symlink(path_);
      const fs::path folder =
          (target.is_absolute() ? target : path_.parent_path() / target).parent_path();
      std::error_code ec;
      if (!folder.empty() && !fs::is_directory(folder, ec))
        throw refuse(
            fmt::format("it links to {}, in a folder that does not exist", target.string()));
    }
  } else if (errno == ENOENT) {
    const fs::path folder = path_.parent_path();
    std::error_code ec;
    if (!folder.empty() && !fs::is_directory(folder, ec))
      throw refuse(fmt::format("the folder {} does not exist", folder.string()));
    if (path.back() == '/') throw refuse("names a folder, not a file");
    kind_ = Kind::new_file;
  } else {
    throw refuse(std::strerror(errno));
  }
  for (const auto& guarded : protected_paths)
    if (reaches(path_, guarded))
      throw refuse(fmt::format("that is {}, which the results store keeps; choose another file",
                               guarded.string()));
}

void OutputFile::write(const std::string& text) const {
  try {
    switch (kind_) {
      case Kind::standard_output:
        std::cout << text;
        return;
      case Kind::write_through:
        return write_file_through(path_, text);
      case Kind::new_file:
      case Kind::regular_file:
        return write_file_whole(path_, text);
    }
  } catch (const Error& e) {
    throw Error(fmt::format("{} {}", option_, e.what()));
  }
}

int standard_output_error() {
  // The errno of the write that failed, taken before anything else can
  // change it (a later call's EBADF named the wrong cause).
  errno = 0;
  std::cout.flush();
  int error = errno;
  if (std::fflush(stdout) != 0 && error == 0) error = errno;
  if (error == 0 && (!std::cout.good() || std::ferror(stdout))) error = EIO;
  return error;
}

}  // namespace tunelab::cli
