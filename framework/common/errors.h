#pragma once
// tunelab's exception hierarchy. Every error a user must see derives from
// tunelab::Error; main() catches it once and turns it into a message and an
// exit status (2 for bad input, 1 for a failure while running, 75 for a
// study stopped by a signal with its trial handed back).

#include <stdexcept>
#include <string>

namespace tunelab {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Bad input: the user can fix it by changing a file, a flag or a name.
class InputError : public Error {
 public:
  using Error::Error;
};

// A value in the experiment configuration is wrong. `key` is the dotted path
// of the offending value ("model.act_fn"); the front end maps it to a place in
// the file.
class ConfigError : public InputError {
 public:
  // Whether the error is about the key itself (an unknown key) or its value.
  enum class About { value, key };

  ConfigError(std::string key, const std::string& message, About about = About::value)
      : InputError(message), key_(std::move(key)), about_(about) {}

  const std::string& key() const { return key_; }
  About about() const { return about_; }

  // The same error, seen from one level up: "block" inside "model" becomes
  // "model.block" ("[0]" inside "c_hidden" becomes "c_hidden[0]").
  ConfigError under(const std::string& parent) const {
    const bool index = !key_.empty() && key_.front() == '[';
    return ConfigError(key_.empty() ? parent : parent + (index ? "" : ".") + key_, what(), about_);
  }

 private:
  std::string key_;
  About about_;
};

// A name that no registry entry has.
class UnknownNameError : public InputError {
 public:
  using InputError::InputError;
};

// A data file that cannot be read: the message names the file and the place.
class DataError : public InputError {
 public:
  using InputError::InputError;
};

// Registering a name twice, or a plugin that cannot be loaded.
class RegistryError : public Error {
 public:
  using Error::Error;
};

// A plugin library that cannot be used: missing, not a shared library, no
// entry point, another ABI version, a clashing name, or a failed
// registration. The message names the file.
class PluginError : public InputError {
 public:
  using InputError::InputError;
};

// The results store failed while running (disk full, locked too long).
class StoreError : public Error {
 public:
  using Error::Error;
};

// Training failed while running (for example a non-finite loss).
class TrainingError : public Error {
 public:
  using Error::Error;
};

// A study stopped by SIGINT or SIGTERM at the end of an epoch, its running
// trial handed back as WAITING: nothing failed, and the study goes on when
// resumed. Exit status 75 (EX_TEMPFAIL), which tells a batch script (the one
// `tunelab submit` writes) to requeue the worker rather than give up on it.
class InterruptedError : public Error {
 public:
  using Error::Error;
};

inline constexpr int kInterruptedExitStatus = 75;

}  // namespace tunelab
