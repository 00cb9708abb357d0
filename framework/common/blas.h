#pragma once
// Which BLAS library this process calls, for provenance: the same build is
// about 4x slower on the reference BLAS than on OpenBLAS, so a timing means
// little without it.

#include <string>

namespace tunelab {

// The resolved file of the first loaded library whose name says BLAS
// ("/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3"), or
// "unknown".
std::string blas_library();

}  // namespace tunelab
