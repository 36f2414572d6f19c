// BufferedInput: chunked byte access to a std::istream, shared by the ingest readers.
//
// The stream is read kChunkBytes at a time straight from its streambuf, which is what keeps large
// imports fast (istream::get per byte is an order of magnitude slower). Once a read returns
// nothing the input counts as exhausted and the stream is not read again. Private to
// ticketwise_ingest. Not thread-safe; one BufferedInput per stream, and nothing else may read the
// stream while it is in use.
#pragma once

#include <cstddef>
#include <istream>
#include <string>
#include <string_view>

namespace ticketwise::ingest {

class BufferedInput {
 public:
  // What Peek returns at the end of input.
  static constexpr int kEof = -1;

  // REQUIRES: `in` outlives this object. The chunk buffer is allocated on the first read.
  explicit BufferedInput(std::istream& in) : in_(in) {}

  // The next byte as an unsigned char value, or kEof at the end of input. Does not consume it.
  int Peek() {
    if (pos_ == end_ && !Refill()) return kEof;
    return static_cast<unsigned char>(buffer_[pos_]);
  }

  // The bytes buffered and not yet consumed, reading the next chunk first when none are left. Empty
  // only at the end of input. The view stays valid until the next call that reads or refills.
  std::string_view Available() {
    if (pos_ == end_ && !Refill()) return {};
    return std::string_view(buffer_.data() + pos_, end_ - pos_);
  }

  // Consumes `n` bytes. REQUIRES: n <= Available().size() (after Peek() != kEof, n == 1 is fine).
  void Skip(std::size_t n = 1) { pos_ += n; }

 private:
  static constexpr std::size_t kChunkBytes = 64 << 10;

  // Reads the next chunk into the buffer; false once the input is exhausted.
  bool Refill();

  std::istream& in_;
  std::string buffer_;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  bool input_exhausted_ = false;
};

}  // namespace ticketwise::ingest
