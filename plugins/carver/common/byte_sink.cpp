#include "byte_sink.hpp"

#include <algorithm>

namespace stoq::carve {

bool VectorSink::write(ByteView bytes) {
  if (truncated_) return false;
  std::uint64_t room = max_size_ - bytes_.size();
  std::size_t take = bytes.size() < room ? bytes.size() : static_cast<std::size_t>(room);
  bytes_.insert(bytes_.end(), bytes.data(), bytes.data() + take);
  if (take < bytes.size()) truncated_ = true;
  return !truncated_;
}

void OutputBuffer::append(ByteView bytes) {
  std::size_t done = 0;
  while (done < bytes.size() && !full_) {
    std::size_t take = std::min(kBlock - used_, bytes.size() - done);
    std::copy_n(bytes.data() + done, take, buffer_.data() + used_);
    used_ += take;
    done += take;
    if (used_ == kBlock) flush();
  }
}

bool OutputBuffer::flush() {
  if (used_ == 0 || full_) {
    used_ = 0;
    return !full_;
  }
  if (!sink_.write(ByteView(buffer_.data(), used_))) full_ = true;
  flushed_ += used_;
  used_ = 0;
  return !full_;
}

}  // namespace stoq::carve
