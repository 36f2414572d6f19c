#include "safety/pseudonymizer.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <memory>
#include <optional>

#include "safety/redactor.h"

namespace ticketwise::safety {
namespace {

constexpr std::size_t kIvBytes = 16;
constexpr std::size_t kMinKeyBytes = 32;
constexpr std::size_t kMaxTokenBytes = 4096;
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

using Key = std::array<unsigned char, 32>;

Key Hmac(const unsigned char* key, std::size_t key_len, std::string_view a, std::string_view b) {
  std::string data(a);
  data.append(b);
  Key out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key, static_cast<int>(key_len),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &len);
  return out;
}

// AES-256-CTR; encryption and decryption are the same operation.
std::optional<std::string> Ctr(const Key& key, const unsigned char* iv, std::string_view in) {
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                      &EVP_CIPHER_CTX_free);
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_ctr(), nullptr, key.data(), iv) != 1)
    return std::nullopt;
  std::string out(in.size(), '\0');
  int len = 0;
  if (!in.empty() && EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()),
                                       &len, reinterpret_cast<const unsigned char*>(in.data()),
                                       static_cast<int>(in.size())) != 1)
    return std::nullopt;
  return out;
}

std::string Base64Url(std::string_view in) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char ch : in) {
    acc = (acc << 8) | static_cast<unsigned char>(ch);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 63]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 63]);
  return out;
}

std::optional<std::string> FromBase64Url(std::string_view in) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char ch : in) {
    const char* p = std::char_traits<char>::find(kAlphabet, 64, ch);
    if (p == nullptr) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(p - kAlphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

std::string Iv(const Key& mac_key, PiiType type, std::string_view value) {
  const Key mac =
      Hmac(mac_key.data(), mac_key.size(), std::string(1, static_cast<char>(type)), value);
  return std::string(reinterpret_cast<const char*>(mac.data()), kIvBytes);
}

}  // namespace

Result<Pseudonymizer> Pseudonymizer::Create(std::string_view tenant_key) {
  if (tenant_key.size() < kMinKeyBytes)
    return Fail(Status::InvalidArgument("a pseudonymization key needs at least 32 bytes"));
  Pseudonymizer p;
  const auto* k = reinterpret_cast<const unsigned char*>(tenant_key.data());
  p.enc_key_ = Hmac(k, tenant_key.size(), "ticketwise pseudonym v1 ", "encryption");
  p.mac_key_ = Hmac(k, tenant_key.size(), "ticketwise pseudonym v1 ", "authentication");
  return p;
}

std::string Pseudonymizer::Token(PiiType type, std::string_view value) const {
  const std::string iv = Iv(mac_key_, type, value);
  const auto ct = Ctr(enc_key_, reinterpret_cast<const unsigned char*>(iv.data()), value);
  std::string token = "[";
  token += PlaceholderLabel(type);
  token += ":";
  token += ct ? Base64Url(iv + *ct) : std::string("?");
  token += "]";
  return token;
}

Result<std::pair<PiiType, std::string>> Pseudonymizer::Reveal(std::string_view token) const {
  const auto bad = [] { return Fail(Status::InvalidArgument("not a pseudonym of this tenant")); };
  if (token.size() < 4 || token.size() > kMaxTokenBytes || token.front() != '[' ||
      token.back() != ']')
    return bad();
  const std::size_t colon = token.find(':');
  if (colon == std::string_view::npos) return bad();
  const std::string_view label = token.substr(1, colon - 1);
  std::optional<PiiType> type;
  for (int i = 0; i < kPiiTypeCount; ++i)
    if (PlaceholderLabel(static_cast<PiiType>(i)) == label) type = static_cast<PiiType>(i);
  const auto raw = FromBase64Url(token.substr(colon + 1, token.size() - colon - 2));
  if (!type || !raw || raw->size() < kIvBytes) return bad();
  const auto* iv = reinterpret_cast<const unsigned char*>(raw->data());
  auto value = Ctr(enc_key_, iv, std::string_view(*raw).substr(kIvBytes));
  if (!value) return bad();
  const std::string expected = Iv(mac_key_, *type, *value);
  if (CRYPTO_memcmp(expected.data(), raw->data(), kIvBytes) != 0) return bad();
  return std::pair<PiiType, std::string>{*type, std::move(*value)};
}

std::string Pseudonymizer::Pseudonymize(std::string_view text, const DetectOptions& options) const {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  for (const PiiSpan& s : FindPii(text, options)) {
    out.append(text.substr(pos, s.start - pos));
    out += Token(s.type, text.substr(s.start, s.end - s.start));
    pos = s.end;
  }
  out.append(text.substr(pos));
  return out;
}

std::string Pseudonymizer::RevealText(std::string_view text) const {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  for (std::size_t open = text.find('['); open != std::string_view::npos;
       open = text.find('[', open + 1)) {
    const std::size_t close = text.find(']', open);
    if (close == std::string_view::npos) break;
    if (close - open > kMaxTokenBytes) continue;
    const auto revealed = Reveal(text.substr(open, close - open + 1));
    if (!revealed) continue;
    out.append(text.substr(pos, open - pos));
    out += revealed->second;
    pos = close + 1;
    open = close;
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace ticketwise::safety
