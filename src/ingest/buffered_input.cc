#include "ingest/buffered_input.h"

namespace ticketwise::ingest {

bool BufferedInput::Refill() {
  if (input_exhausted_) return false;
  if (buffer_.empty()) buffer_.resize(kChunkBytes);
  std::streambuf* source = in_.rdbuf();
  const std::streamsize got =
      source == nullptr
          ? 0
          : source->sgetn(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  pos_ = 0;
  end_ = got > 0 ? static_cast<std::size_t>(got) : 0;
  if (end_ == 0) input_exhausted_ = true;
  return end_ > 0;
}

}  // namespace ticketwise::ingest
