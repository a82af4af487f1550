// The body of the server's state files (checked_file.h): a line per record, its fields separated
// by tabs. A field's tab, newline and backslash are written \t, \n and \\.
//
// Those files were JSON; a restart spent most of its time to read them building a JSON document
// and copying it out (2,000 modules: about 7 of 9 ms for the import scans and the URL tokens).
// Lines are read in place: a field is a view of the file's bytes unless it had an escape.
#pragma once

#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace hr::orch {

class RecordWriter {
 public:
  RecordWriter& field(std::string_view value);
  // Ends the record (a line); a record of no fields is not written.
  void end();
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
  bool open_ = false;
};

class RecordReader {
 public:
  explicit RecordReader(std::string_view body) : rest_(body) {}
  // The next record's fields, valid until the next call; false after the last.
  bool next(std::vector<std::string_view>& fields);

 private:
  std::string_view unescape(std::string_view raw);
  std::string_view rest_;
  std::deque<std::string> unescaped_;  // a deque: the views into it stay valid as it grows
};

}  // namespace hr::orch
