#include <doctest/doctest.h>

#include <functional>

#include "common/errors.h"
#include "registry/registry.h"
#include "support.h"

using tunelab::Registry;

TEST_SUITE("registry") {
  TEST_CASE("entries keep name / summary / factory and origin / in registration order") {
    Registry<std::function<int()>> registry("widget");
    registry.add("one", "the first", [] { return 1; });
    registry.add(
        "two", "the second", [] { return 2; }, "/plugins/libtwo.so");
    CHECK(registry.names() == std::vector<std::string>({"one", "two"}));
    CHECK(registry.get("two").summary == "the second");
    CHECK(registry.get("two").origin == "/plugins/libtwo.so");
    CHECK(registry.get("one").origin == tunelab::kBuiltinOrigin);
    CHECK(registry.factory("two")() == 2);
    CHECK(registry.contains("one"));
    CHECK_FALSE(registry.contains("three"));
  }

  TEST_CASE("a duplicate name fails at registration and names both origins") {
    Registry<std::function<int()>> registry("widget");
    registry.add("one", "", [] { return 1; });
    CHECK_THROWS_WITH_AS(registry.add(
                             "one", "", [] { return 2; }, "/tmp/libx.so"),
                         "widget 'one' from /tmp/libx.so is already registered (by built-in)",
                         tunelab::RegistryError);
    CHECK(registry.factory("one")() == 1);
  }

  TEST_CASE("an unknown name fails with the closest registered names") {
    const auto& registrar = tunelab::test::builtins();
    CHECK_THROWS_WITH_AS(registrar.activations.get("rellu"),
                         "unknown activation 'rellu' (did you mean 'relu'?)",
                         tunelab::UnknownNameError);
    CHECK_THROWS_WITH_AS(registrar.blocks.get("PreActResnetBlock"),
                         "unknown block 'PreActResnetBlock' (did you mean 'PreActResNetBlock'?)",
                         tunelab::UnknownNameError);
  }

  TEST_CASE("the built-ins cover the chapter's blocks and the usual activations") {
    const auto& r = tunelab::test::builtins();
    for (const char* block : {"ResNetBlock", "PreActResNetBlock"}) CHECK(r.blocks.contains(block));
    for (const char* act : {"relu", "leaky_relu", "elu", "selu", "gelu", "silu", "tanh", "sigmoid",
                            "softplus", "mish", "celu", "prelu"})
      CHECK(r.activations.contains(act));
    for (const char* opt : {"adam", "adamw", "sgd", "rmsprop", "adagrad"})
      CHECK(r.optimizers.contains(opt));
    for (const char* data : {"make_regression", "diabetes", "csv"})
      CHECK(r.datasets.contains(data));
    for (const char* model : {"resnet", "resnet_regression", "linear"})
      CHECK(r.models.contains(model));
    for (const char* loss : {"mse", "l1", "huber"}) CHECK(r.losses.contains(loss));
    for (const auto& entry : tunelab::list_registered(r)) CHECK_FALSE(entry.summary.empty());
  }
}
