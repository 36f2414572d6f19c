// The model file format, version 1. All integers and floats little-endian.
//
//   magic "TWMODEL\0" | u32 format version | string producer
//   options: u32 hash_bits, word_ngrams, char_min, char_max | f64 c | u32 min_df | f64
//   calibration_fraction |
//            u32 max_epochs | u64 seed
//   info:    u64 n_train, n_calibration, n_features | f32 temperature, calibration_accuracy
//   labels:  u32 count, then per label u32 length + bytes
//   space:   u32 group_split | u64 n | u32 ids[n] | f32 idf[n]
//   weights: f32[n * labels] | bias: f32[labels] | thresholds: f32[kTargetSteps * labels]
//   calibration: f32 scale[labels] | f32 shift[labels]
//   word cache: u64 m | u64 hashes[m] | f32 entries[m * (labels + 1)]
//   u64 checksum of every byte before it (see Checksum)
//
// A reader refuses other magic numbers, versions it does not know, sizes that do not add up and
// checksum mismatches, each with its own message.
#include <unistd.h>
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include <cstdio>
#include <fstream>

#include "classify/model.h"
#include "text/utf8.h"

namespace ticketwise::classify {
namespace {

static_assert(std::endian::native == std::endian::little, "model files are little-endian");

constexpr char kMagic[8] = {'T', 'W', 'M', 'O', 'D', 'E', 'L', '\0'};
constexpr std::uint32_t kFormatVersion = 1;
constexpr char kProducer[] = "ticketwise 0.1.0";

// A 64-bit checksum that reads eight bytes per step, so that checking a model file costs about a
// millisecond; it detects damage, it is not a cryptographic signature.
std::uint64_t Checksum(std::string_view bytes) {
  std::uint64_t h = 0x9e3779b97f4a7c15ull ^ bytes.size();
  std::size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, bytes.data() + i, 8);
    h = (h ^ w) * 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  }
  for (; i < bytes.size(); ++i)
    h = (h ^ static_cast<unsigned char>(bytes[i])) * 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

class Writer {
 public:
  template <class T>
  void Put(T v) {
    out_.append(reinterpret_cast<const char*>(&v), sizeof(T));
  }
  template <class T>
  void PutArray(const std::vector<T>& v) {
    out_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  }
  void PutString(std::string_view s) {
    Put<std::uint32_t>(static_cast<std::uint32_t>(s.size()));
    out_.append(s);
  }
  std::string& bytes() { return out_; }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  template <class T>
  bool Get(T* v) {
    if (in_.size() - pos_ < sizeof(T)) return false;
    std::memcpy(v, in_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }
  template <class T>
  bool GetArray(std::uint64_t n, std::vector<T>* v) {
    if (n > (in_.size() - pos_) / sizeof(T)) return false;
    v->resize(n);
    if (n > 0) std::memcpy(v->data(), in_.data() + pos_, n * sizeof(T));
    pos_ += n * sizeof(T);
    return true;
  }
  bool GetString(std::string* s) {
    std::uint32_t n = 0;
    if (!Get(&n) || n > in_.size() - pos_) return false;
    s->assign(in_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  std::size_t pos() const { return pos_; }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
};

}  // namespace

std::uint64_t Model::FileChecksum(std::string_view body) { return Checksum(body); }

std::string Model::Serialize() const {
  Writer w;
  w.bytes().append(kMagic, sizeof(kMagic));
  w.Put(kFormatVersion);
  w.PutString(kProducer);
  w.Put(options_.features.hash_bits);
  w.Put(options_.features.word_ngrams);
  w.Put(options_.features.char_min);
  w.Put(options_.features.char_max);
  w.Put(options_.c);
  w.Put(options_.min_df);
  w.Put(options_.calibration_fraction);
  w.Put(options_.max_epochs);
  w.Put(options_.seed);
  w.Put(info_.n_train);
  w.Put(info_.n_calibration);
  w.Put(info_.n_features);
  w.Put(info_.temperature);
  w.Put(info_.calibration_accuracy);
  w.Put(labels_.size());
  for (const std::string& name : labels_.names()) w.PutString(name);
  w.Put(space_.group_split());
  w.Put<std::uint64_t>(space_.size());
  w.PutArray(space_.ids());
  w.PutArray(space_.idf());
  w.PutArray(weights());
  w.PutArray(bias_);
  w.PutArray(thresholds_);
  w.PutArray(calibration_.scale);
  w.PutArray(calibration_.shift);
  w.Put<std::uint64_t>(cache_.size());
  w.PutArray(cache_.hashes());
  w.PutArray(cache_.entries());
  w.Put(Checksum(w.bytes()));
  return std::move(w.bytes());
}

Result<Model> Model::Deserialize(std::string_view bytes) {
  if (bytes.size() < sizeof(kMagic) + 4 || std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0)
    return Fail(Status::InvalidArgument("not a ticketwise model file (bad magic number)"));
  Reader r(bytes.substr(sizeof(kMagic)));
  std::uint32_t version = 0;
  (void)r.Get(&version);
  if (version != kFormatVersion)
    return Fail(Status::Unsupported("model format version " + std::to_string(version) +
                                    " is not supported (this build reads version " +
                                    std::to_string(kFormatVersion) + ")"));
  if (bytes.size() < sizeof(kMagic) + 12)
    return Fail(Status::Corruption("model file is truncated"));
  const std::string_view body = bytes.substr(0, bytes.size() - 8);
  std::uint64_t stored = 0;
  std::memcpy(&stored, bytes.data() + body.size(), 8);
  if (stored != Checksum(body))
    return Fail(Status::Corruption("model file checksum mismatch (damaged or truncated)"));

  auto truncated = [] {
    return Fail(Status::Corruption("model file is truncated or inconsistent"));
  };
  std::string producer;
  TrainOptions o;
  TrainingInfo info;
  if (!r.GetString(&producer) || !r.Get(&o.features.hash_bits) || !r.Get(&o.features.word_ngrams) ||
      !r.Get(&o.features.char_min) || !r.Get(&o.features.char_max) || !r.Get(&o.c) ||
      !r.Get(&o.min_df) || !r.Get(&o.calibration_fraction) || !r.Get(&o.max_epochs) ||
      !r.Get(&o.seed) || !r.Get(&info.n_train) || !r.Get(&info.n_calibration) ||
      !r.Get(&info.n_features) || !r.Get(&info.temperature) || !r.Get(&info.calibration_accuracy))
    return truncated();
  if (o.features.hash_bits < 10 || o.features.hash_bits > 26 || o.features.word_ngrams < 1 ||
      o.features.word_ngrams > 3 || o.features.char_max > 8 ||
      (o.features.char_max != 0 &&
       (o.features.char_min < 1 || o.features.char_min > o.features.char_max)))
    return Fail(Status::Corruption("model file holds invalid feature options"));
  std::uint32_t n_labels = 0;
  if (!r.Get(&n_labels) || n_labels < 2 || n_labels > (1u << 20)) return truncated();
  LabelSet labels;
  for (std::uint32_t i = 0; i < n_labels; ++i) {
    std::string name;
    if (!r.GetString(&name)) return truncated();
    if (!text::IsValidUtf8(name) || labels.Find(name))
      return Fail(Status::Corruption("model file label set is invalid"));
    labels.Add(name);
  }
  std::uint32_t group_split = 0;
  std::uint64_t n = 0;
  std::vector<std::uint32_t> ids;
  std::vector<float> idf, weights, bias, thresholds;
  if (!r.Get(&group_split) || group_split != (1u << o.features.hash_bits) || !r.Get(&n) ||
      n > (std::uint64_t(1) << 32) || !r.GetArray(n, &ids) || !r.GetArray(n, &idf) ||
      !r.GetArray(n * n_labels, &weights) || !r.GetArray(n_labels, &bias) ||
      !r.GetArray(std::uint64_t(kTargetSteps) * n_labels, &thresholds))
    return truncated();
  AffineCalibration calibration;
  if (!r.GetArray(n_labels, &calibration.scale) || !r.GetArray(n_labels, &calibration.shift))
    return truncated();
  std::uint64_t m = 0;
  std::vector<std::uint64_t> hashes;
  std::vector<float> entries;
  if (!r.Get(&m) || m > (std::uint64_t(1) << 32) || !r.GetArray(m, &hashes) ||
      !r.GetArray(m * (n_labels + 1), &entries))
    return truncated();
  if (r.pos() + sizeof(kMagic) != body.size()) return truncated();
  auto all_finite = [](const std::vector<float>& v) {
    return std::all_of(v.begin(), v.end(), [](float f) { return std::isfinite(f); });
  };
  if (!all_finite(idf) || !all_finite(weights) || !all_finite(bias) || !all_finite(thresholds) ||
      !all_finite(calibration.scale) || !all_finite(calibration.shift) || !all_finite(entries) ||
      !std::isfinite(info.temperature))
    return Fail(Status::Corruption("model file holds a number that is not finite"));
  {
    std::vector<std::uint64_t> sorted = hashes;
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
      return Fail(Status::Corruption("model file lists a word twice in its cache"));
  }
  {
    std::vector<std::uint32_t> sorted = ids;
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t i = 1; i < sorted.size(); ++i)
      if (sorted[i] == sorted[i - 1])
        return Fail(Status::Corruption("model file lists a feature id twice"));
    if (!sorted.empty() && sorted.back() >= (2u << o.features.hash_bits))
      return Fail(Status::Corruption("model file feature id out of range"));
  }
  FeatureSpace space(std::move(ids), std::move(idf), group_split);
  WordCache cache(std::move(hashes), std::move(entries), n_labels + 1);
  if (!space.valid() || !cache.valid())
    return Fail(Status::Corruption("model file feature index is implausibly clustered"));
  return ModelBuilder::Build(std::move(labels), o, info, std::move(space), std::move(weights),
                             std::move(bias), std::move(thresholds), std::move(cache),
                             std::move(calibration));
}

Status Model::Save(const std::string& path) const {
  const std::string bytes = Serialize();
  // Write next to the target and rename, so a crash never leaves a half-written model under the
  // final name; the process id keeps two concurrent writers apart.
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Status::IoError("cannot write " + tmp);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      out.close();
      std::remove(tmp.c_str());
      return Status::IoError("write failed: " + tmp);
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return Status::IoError("cannot rename " + tmp + " to " + path);
  }
  return Status::Ok();
}

Result<Model> Model::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return Fail(Status::NotFound("cannot open model file " + path));
  const std::streamoff size = in.tellg();
  if (size < 0) return Fail(Status::IoError("cannot read model file " + path));
  std::string bytes(static_cast<std::size_t>(size), '\0');
  in.seekg(0);
  if (!in.read(bytes.data(), size)) return Fail(Status::IoError("cannot read model file " + path));
  auto model = Deserialize(bytes);
  if (!model) return Fail(model.error().WithContext(path));
  return model;
}

}  // namespace ticketwise::classify
