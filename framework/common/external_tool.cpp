#include "common/external_tool.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/errors.h"

extern char** environ;

namespace tunelab {
namespace {

// A temporary file without a name: made and unlinked at once, so that
// nothing is left in /tmp even when tunelab is killed. The tool's input,
// output and errors go through such files rather than pipes so that a tool
// that writes much before reading all its input cannot deadlock with us.
class AnonymousFile {
 public:
  AnonymousFile() {
    const char* dir = std::getenv("TMPDIR");
    std::string path = std::string(dir && *dir ? dir : "/tmp") + "/tunelab-tool-XXXXXX";
    fd_ = mkostemp(path.data(), O_CLOEXEC);
    if (fd_ < 0)
      throw Error(fmt::format("cannot create a temporary file: {}", std::strerror(errno)));
    unlink(path.c_str());
  }
  ~AnonymousFile() { close(fd_); }
  AnonymousFile(const AnonymousFile&) = delete;
  AnonymousFile& operator=(const AnonymousFile&) = delete;

  int fd() const { return fd_; }
  std::string read() const {
    std::string text;
    char buffer[65536];
    lseek(fd_, 0, SEEK_SET);
    for (ssize_t n; (n = ::read(fd_, buffer, sizeof buffer)) != 0;) {
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw Error(fmt::format("cannot read a temporary file: {}", std::strerror(errno)));
      text.append(buffer, static_cast<std::size_t>(n));
    }
    return text;
  }
  void write(const std::string& text) const {
    for (std::size_t done = 0; done < text.size();) {
      const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0)
        throw Error(fmt::format("cannot write a temporary file: {}", std::strerror(errno)));
      done += static_cast<std::size_t>(n);
    }
    lseek(fd_, 0, SEEK_SET);  // the tool reads from the start
  }

 private:
  int fd_ = -1;
};

// How long a drawing may take: far more than any figure needs, so that a
// tool that hangs (waiting on a terminal, a broken font) ends the command
// rather than holding it forever.
int tool_time_limit_seconds() {
  const char* set = std::getenv("TUNELAB_TOOL_TIMEOUT");
  const int seconds = set ? std::atoi(set) : 0;
  return seconds > 0 ? seconds : 120;
}

std::string last_lines(const std::string& text, std::size_t count) {
  std::size_t end = text.find_last_not_of("\n ");
  if (end == std::string::npos) return "";
  std::size_t start = end + 1;
  for (std::size_t n = 0; n < count && start > 0; ++n) {
    const std::size_t newline = text.rfind('\n', start - 1);
    start = newline == std::string::npos ? 0 : newline;
    if (start == 0) break;
  }
  std::string tail = text.substr(start, end + 1 - start);
  if (!tail.empty() && tail.front() == '\n') tail.erase(0, 1);
  return tail;
}

}  // namespace

std::string run_external_tool(const ExternalTool& tool, const std::vector<std::string>& arguments,
                              const std::string& input) {
  AnonymousFile in, out, err;
  in.write(input);

  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_adddup2(&files, in.fd(), STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&files, out.fd(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&files, err.fd(), STDERR_FILENO);
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(tool.program.c_str()));
  for (const std::string& a : arguments) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  pid_t pid = 0;
  const int spawned =
      posix_spawnp(&pid, tool.program.c_str(), &files, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&files);
  if (spawned == ENOENT)
    throw Error(fmt::format("{} is not installed (Debian package {}; scripts/setup.sh installs it)",
                            tool.program, tool.package));
  if (spawned != 0)
    throw Error(fmt::format("cannot start {}: {}", tool.program, std::strerror(spawned)));

  int status = 0;
  const int limit_ms = tool_time_limit_seconds() * 1000;
  for (int waited_ms = 0;; waited_ms += 10) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR)
      throw Error(fmt::format("waiting for {}: {}", tool.program, std::strerror(errno)));
    if (waited_ms >= limit_ms) {
      kill(pid, SIGKILL);
      while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      throw Error(fmt::format("{} did not finish within {} s (TUNELAB_TOOL_TIMEOUT sets the limit)",
                              tool.program, limit_ms / 1000));
    }
    usleep(10'000);
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    const std::string why = last_lines(err.read(), 3);
    throw Error(fmt::format("{} failed ({}){}{}", tool.program,
                            WIFEXITED(status) ? fmt::format("exit status {}", WEXITSTATUS(status))
                                              : fmt::format("signal {}", WTERMSIG(status)),
                            why.empty() ? "" : ": ", why));
  }
  return out.read();
}

}  // namespace tunelab
