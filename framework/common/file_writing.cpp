#include "common/file_writing.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/errors.h"

namespace tunelab {
namespace {

// Writes all of `bytes` to `fd`; false with errno set when it cannot.
bool write_all(int fd, const std::string& bytes) {
  const char* data = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  return true;
}

Error cannot_write(const std::filesystem::path& file, int error) {
  return Error(fmt::format("{}: cannot write: {}", file.string(), std::strerror(error)));
}

}  // namespace

void write_file_whole(const std::filesystem::path& target, const std::string& bytes) {
  // Named so that two processes never share it.
  const std::filesystem::path partial =
      target.parent_path() / fmt::format(".{}.partial-{}", target.filename().string(), ::getpid());
  const int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw cannot_write(target, errno);
  int error = 0;
  if (!write_all(fd, bytes) || ::fsync(fd) != 0) error = errno;
  if (::close(fd) != 0 && error == 0) error = errno;
  if (error == 0 && ::rename(partial.c_str(), target.c_str()) != 0) error = errno;
  if (error != 0) {
    ::unlink(partial.c_str());
    throw cannot_write(target, error);
  }
  // The rename is on disk once its folder is: a file that a store row will
  // name must survive a power cut as well as a kill.
  const std::filesystem::path folder = target.has_parent_path() ? target.parent_path() : ".";
  const int folder_fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (folder_fd >= 0) {
    ::fsync(folder_fd);
    ::close(folder_fd);
  }
}

void write_file_through(const std::filesystem::path& target, const std::string& bytes) {
  const int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw cannot_write(target, errno);
  int error = write_all(fd, bytes) ? 0 : errno;
  if (::close(fd) != 0 && error == 0) error = errno;
  if (error != 0) throw cannot_write(target, error);
}

}  // namespace tunelab
