#include "common/external_tool.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/errors.h"

extern char** environ;

namespace tunelab {
namespace {

// A temporary file that is removed when it goes out of scope. The tool's
// input, output and errors go through files rather than pipes so that a tool
// that writes much before reading all its input cannot deadlock with us.
class TempFile {
 public:
  TempFile() {
    const char* dir = std::getenv("TMPDIR");
    path_ = std::string(dir && *dir ? dir : "/tmp") + "/tunelab-tool-XXXXXX";
    const int fd = mkstemp(path_.data());
    if (fd < 0)
      throw Error(fmt::format("cannot create a temporary file: {}", std::strerror(errno)));
    close(fd);
  }
  ~TempFile() { std::remove(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::string& path() const { return path_; }
  std::string read() const {
    std::ifstream in(path_, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  void write(const std::string& text) const {
    std::ofstream out(path_, std::ios::binary);
    out << text;
    if (!out.flush()) throw Error(fmt::format("cannot write {}", path_));
  }

 private:
  std::string path_;
};

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
  TempFile in, out, err;
  in.write(input);

  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_addopen(&files, STDIN_FILENO, in.path().c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&files, STDOUT_FILENO, out.path().c_str(), O_WRONLY | O_TRUNC,
                                   0);
  posix_spawn_file_actions_addopen(&files, STDERR_FILENO, err.path().c_str(), O_WRONLY | O_TRUNC,
                                   0);
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
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR)
      throw Error(fmt::format("waiting for {}: {}", tool.program, std::strerror(errno)));
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
