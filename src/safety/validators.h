// Checksums and structural rules that separate real identifiers from look-alike digit strings:
// Luhn for payment cards, ISO 13616 mod-97 for IBANs, the SSA's allocation rules for US Social
// Security numbers, the mod-23 letter of Spanish DNI/NIE numbers, the UK National Insurance number
// prefix rules, and strict IPv4, IPv6 and MAC syntax. The detector runs these after it has found
// a candidate; they are public so tests and callers can use them on their own. Pure functions,
// thread-safe, no allocation beyond their arguments.
#pragma once

#include <string_view>

namespace ticketwise::safety {

// True when the digits of `s` (other characters are ignored) pass the Luhn check and there are 13
// to 19 of them, the lengths payment card numbers have.
bool IsValidLuhnCard(std::string_view s);

// True when the digits carry an issuer prefix (Visa, Mastercard, Amex, Discover, JCB, Diners,
// UnionPay, Maestro) whose card length matches.
bool HasKnownCardIssuer(std::string_view digits);

// The IBAN length of the country with ISO code `a` `b` (upper case), 0 for an unknown country.
int IbanLength(char a, char b);

// True when `s` (spaces allowed, case ignored) is an IBAN of a known country with that country's
// length whose mod-97 remainder is 1.
bool IsValidIban(std::string_view s);

// True when the nine digits of `s` (dashes or spaces ignored) form a US SSN that can be issued:
// area not 000, 666 or 900-999, group not 00, serial not 0000.
bool IsValidSsn(std::string_view s);

// True for a Spanish DNI (8 digits + letter) or NIE (X/Y/Z + 7 digits + letter) whose control
// letter matches.
bool IsValidSpanishId(std::string_view s);

// True for a UK National Insurance number (AB123456C, spaces allowed) with a prefix HMRC can issue.
bool IsValidUkNino(std::string_view s);

// Strict dotted-quad IPv4: four decimal parts 0-255, no leading zeros beyond "0".
bool IsValidIpv4(std::string_view s);

// RFC 4291 text form: eight groups of up to four hex digits, at most one "::", an optional
// trailing dotted-quad; no zone id.
bool IsValidIpv6(std::string_view s);

// Six hex pairs separated by ':' or '-' (one kind), or three dot-separated groups of four hex
// digits (Cisco style).
bool IsValidMac(std::string_view s);

}  // namespace ticketwise::safety
