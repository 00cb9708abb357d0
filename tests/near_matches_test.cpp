#include <doctest/doctest.h>

#include "common/near_matches.h"

using tunelab::near_matches;

TEST_SUITE("near matches") {
  const std::vector<std::string> names{"relu", "relu6",      "prelu", "elu",
                                       "gelu", "leaky_relu", "tanh"};

  TEST_CASE("a one-letter typo suggests the one closest name") {
    CHECK(near_matches("rellu", names) == std::vector<std::string>{"relu"});
    CHECK(near_matches("tnah", names) == std::vector<std::string>{"tanh"});  // transposition
    CHECK(near_matches("RELU", names) == std::vector<std::string>{"relu"});  // case
  }

  TEST_CASE("a prefix suggests every name it starts") {
    CHECK(near_matches("leaky", names) == std::vector<std::string>{"leaky_relu"});
  }

  TEST_CASE("nothing close suggests nothing / and the message lists the known names") {
    CHECK(near_matches("softmax", names).empty());
    CHECK(tunelab::unknown_name_message("activation", "softmax", {"relu", "tanh"}) ==
          "unknown activation 'softmax' (known: relu, tanh)");
  }

  TEST_CASE("ties are all offered") {
    CHECK(tunelab::unknown_name_message("activation", "xelu", names) ==
          "unknown activation 'xelu' (did you mean 'relu' or 'elu' or 'gelu'?)");
  }
}
