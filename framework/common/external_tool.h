#pragma once
// Runs the external programs tunelab draws with (gnuplot, Graphviz's dot).

#include <string>
#include <vector>

namespace tunelab {

struct ExternalTool {
  std::string program;  // looked up on PATH
  std::string package;  // the Debian package that provides it, for the message
};

// Runs `tool` with `arguments`, feeding it `input` on standard input, and
// returns what it wrote to standard output. Throws Error naming the tool and
// its package when it is not installed, and with its own message when it
// fails.
std::string run_external_tool(const ExternalTool& tool, const std::vector<std::string>& arguments,
                              const std::string& input);

}  // namespace tunelab
