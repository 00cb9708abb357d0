// A shared library without tunelab's entry point.
extern "C" int some_other_library_function() { return 42; }
