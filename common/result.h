// Recoverable errors are values: every fallible function returns Result<T>, either a T or an Error
// whose message names what is at fault (a file, a JSON pointer, a request). Exceptions are kept for
// the program's edges (main, a test). Built on boost::system::result so we inherit a well-tested
// variant with value()/has_error()/operator bool.
#pragma once

#include <boost/system/result.hpp>
#include <stdexcept>
#include <string>
#include <utility>

namespace hr {

// What a caller may do about an error, where that differs from giving up: callers decide by the
// kind, never by the message's words.
enum class ErrorKind {
  failed,       // nothing to do but report it
  unparsable,   // the text is not (yet) valid JSON: a file still being written reads so, and may be
                // read again
  bad_input,    // what the caller gave is wrong (a manifest the server refused): theirs to mend
  unavailable,  // what the call needs could not be started (esbuild): trying again at once fails
                // the same way
};

// Not constructible from a string (boost::system::result refuses an E that T's argument could
// build, so Result<std::string> would be ambiguous): make one with fail().
struct Error {
  Error() = default;
  ErrorKind kind = ErrorKind::failed;
  std::string message;
};

// Called by Result<T>::value() when it holds an error: edges that want an exception get one.
[[noreturn]] inline void throw_exception_from_error(const Error& e, const boost::source_location&) {
  throw std::runtime_error(e.message);
}

template <class T>
using Result = boost::system::result<T, Error>;

// `return hr::fail("manifest.json: /version: expected 1")` reads as what it does.
inline Error fail(std::string message, ErrorKind kind = ErrorKind::failed) {
  Error e;
  e.kind = kind;
  e.message = std::move(message);
  return e;
}

// The same error, its message prefixed (a file name before a field's error), its kind kept.
inline Error prefixed(std::string prefix, const Error& e) {
  return fail(std::move(prefix) + e.message, e.kind);
}

}  // namespace hr
