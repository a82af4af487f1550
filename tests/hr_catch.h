// Catch2 plus a printer for hr::Result, so CHECK(result) shows the error message when it fails.
// Every test file includes this instead of <catch2/catch.hpp>.
#pragma once

#include <catch2/catch.hpp>

#include "common/result.h"

namespace Catch {
template <class T>
struct StringMaker<boost::system::result<T, hr::Error>> {
  static std::string convert(const boost::system::result<T, hr::Error>& r) {
    return r ? std::string("a value") : "error: " + r.error().message;
  }
};
}  // namespace Catch
