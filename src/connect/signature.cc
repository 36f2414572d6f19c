#include "connect/signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cstdint>

namespace ticketwise::connect {
namespace {

using Mac = std::array<unsigned char, 32>;

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

Mac ComputeMac(std::string_view key, std::string_view message) {
  Mac mac{};
  unsigned int length = 0;
  // An empty key is legal for HMAC but OpenSSL wants a non-null pointer.
  static const unsigned char kEmpty = 0;
  const void* key_data = key.empty() ? &kEmpty : static_cast<const void*>(key.data());
  HMAC(EVP_sha256(), key_data, static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(), &length);
  return mac;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// `prefix` is lower case.
bool StartsWithIgnoringCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    const char c = s[i] >= 'A' && s[i] <= 'Z' ? static_cast<char>(s[i] - 'A' + 'a') : s[i];
    if (c != prefix[i]) return false;
  }
  return true;
}

bool SameMac(const Mac& expected, const std::string& received) {
  if (received.size() != expected.size()) return false;
  return CRYPTO_memcmp(expected.data(), received.data(), expected.size()) == 0;
}

}  // namespace

std::string HmacSha256Hex(std::string_view key, std::string_view message) {
  static constexpr char kDigits[] = "0123456789abcdef";
  const Mac mac = ComputeMac(key, message);
  std::string out;
  out.reserve(mac.size() * 2);
  for (const unsigned char b : mac) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0x0f];
  }
  return out;
}

std::string HmacSha256Base64(std::string_view key, std::string_view message) {
  const Mac mac = ComputeMac(key, message);
  std::string out;
  std::size_t i = 0;
  for (; i + 3 <= mac.size(); i += 3) {
    const std::uint32_t v = (mac[i] << 16) | (mac[i + 1] << 8) | mac[i + 2];
    out += kBase64[(v >> 18) & 63];
    out += kBase64[(v >> 12) & 63];
    out += kBase64[(v >> 6) & 63];
    out += kBase64[v & 63];
  }
  // 32 bytes leave two: three characters and one '='.
  const std::uint32_t v = (mac[i] << 16) | (mac[i + 1] << 8);
  out += kBase64[(v >> 18) & 63];
  out += kBase64[(v >> 12) & 63];
  out += kBase64[(v >> 6) & 63];
  out += '=';
  return out;
}

std::optional<std::string> DecodeBase64(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t bits = 0;
  int count = 0;
  for (const char c : text) {
    const int v = Base64Value(c);
    if (v < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<std::uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xff);
    }
  }
  return out;
}

Status VerifyJiraSignature(std::string_view secret, std::string_view body,
                           std::optional<std::string_view> header) {
  if (secret.empty()) {
    return Status::FailedPrecondition("no Jira webhook secret is configured for this tenant");
  }
  if (!header) return Status::InvalidArgument("missing X-Hub-Signature header");
  std::string_view value = Trim(*header);
  constexpr std::string_view kPrefix = "sha256=";
  if (!StartsWithIgnoringCase(value, kPrefix)) {
    return Status::InvalidArgument("malformed X-Hub-Signature header: expected sha256=<hex>");
  }
  value.remove_prefix(kPrefix.size());
  if (value.size() != 64) {
    return Status::InvalidArgument(
        "malformed X-Hub-Signature header: expected 64 hex digits after sha256=, got " +
        std::to_string(value.size()) + " characters");
  }
  std::string received;
  received.reserve(32);
  for (std::size_t i = 0; i < value.size(); i += 2) {
    const int hi = HexValue(value[i]);
    const int lo = HexValue(value[i + 1]);
    if (hi < 0 || lo < 0) {
      return Status::InvalidArgument("malformed X-Hub-Signature header: not hexadecimal");
    }
    received += static_cast<char>(hi * 16 + lo);
  }
  if (!SameMac(ComputeMac(secret, body), received)) {
    return Status::InvalidArgument("X-Hub-Signature does not match the body");
  }
  return Status::Ok();
}

Status VerifyServiceNowSignature(std::string_view secret_base64, std::string_view body,
                                 std::optional<std::string_view> header) {
  if (secret_base64.empty()) {
    return Status::FailedPrecondition("no ServiceNow webhook secret is configured for this tenant");
  }
  const std::optional<std::string> key = DecodeBase64(Trim(secret_base64));
  if (!key) {
    return Status::FailedPrecondition("the ServiceNow webhook secret is not base64");
  }
  if (!header) return Status::InvalidArgument("missing X-SN-Signature header");
  const std::optional<std::string> received = DecodeBase64(Trim(*header));
  if (!received || received->size() != 32) {
    return Status::InvalidArgument(
        "malformed X-SN-Signature header: expected the base64 of a 32-byte HMAC-SHA256");
  }
  if (!SameMac(ComputeMac(*key, body), *received)) {
    return Status::InvalidArgument("X-SN-Signature does not match the body");
  }
  return Status::Ok();
}

}  // namespace ticketwise::connect
