#include "orchestrator/record_lines.h"

namespace hr::orch {

RecordWriter& RecordWriter::field(std::string_view value) {
  if (open_) out_ += '\t';
  open_ = true;
  for (char c : value) {
    switch (c) {
      case '\t':
        out_ += "\\t";
        break;
      case '\n':
        out_ += "\\n";
        break;
      case '\\':
        out_ += "\\\\";
        break;
      default:
        out_ += c;
    }
  }
  return *this;
}

void RecordWriter::end() {
  if (!open_) return;
  out_ += '\n';
  open_ = false;
}

bool RecordReader::next(std::vector<std::string_view>& fields) {
  fields.clear();
  unescaped_.clear();
  if (rest_.empty()) return false;
  size_t eol = rest_.find('\n');
  if (eol == std::string_view::npos) eol = rest_.size();
  std::string_view line = rest_.substr(0, eol);
  rest_.remove_prefix(std::min(eol + 1, rest_.size()));
  for (;;) {
    const size_t tab = line.find('\t');
    fields.push_back(unescape(line.substr(0, tab)));
    if (tab == std::string_view::npos) return true;
    line.remove_prefix(tab + 1);
  }
}

std::string_view RecordReader::unescape(std::string_view raw) {
  if (raw.find('\\') == std::string_view::npos) return raw;
  std::string& out = unescaped_.emplace_back();
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\\' || i + 1 == raw.size()) {
      out += raw[i];
      continue;
    }
    const char c = raw[++i];
    out += c == 't' ? '\t' : c == 'n' ? '\n' : c;
  }
  return out;
}

}  // namespace hr::orch
