// Model files come from disk and may be damaged or hostile: parsing any bytes must fail cleanly or
// give a model that predicts without crashing. The input's last eight bytes are replaced by the
// right checksum so that the fuzzer explores the parser behind it.
#include <cstdint>
#include <cstring>
#include <string>

#include "classify/model.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  if (bytes.size() >= 8) {
    const std::uint64_t sum = ticketwise::classify::Model::FileChecksum(
        std::string_view(bytes).substr(0, bytes.size() - 8));
    std::memcpy(bytes.data() + bytes.size() - 8, &sum, 8);
  }
  auto model = ticketwise::classify::Model::Deserialize(bytes);
  if (!model) return 0;
  ticketwise::classify::PredictScratch scratch;
  for (const char* text : {"printer jam", "", "vpn 0x80070005 srv-01.example.com", "日本語"}) {
    auto p = model->Predict(text, 0.9, 3, &scratch);
    if (p.label >= model->labels().size()) __builtin_trap();
  }
  return 0;
}
