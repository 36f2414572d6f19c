// Codec: how the store spells enums and alternative lists in its columns.
//
// Enums are stored as lower-case words rather than numbers so the database reads on its own and a
// reordering of an enum cannot silently change stored meaning. A decision's top alternatives are
// one text column, "label\tp\n" per alternative, so the store needs no JSON library; tab, newline
// and backslash inside a label are escaped. Pure functions, safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"
#include "ticketwise/decision.h"
#include "ticketwise/status.h"
#include "ticketwise/ticket.h"

namespace ticketwise::store {

// ModeName / VisibilityName (core) write these columns; reading an unknown name is Corruption.
Result<Mode> DecodeMode(std::string_view name);

std::string_view VerdictName(Verdict verdict);
Result<Verdict> ParseVerdict(std::string_view name);

Result<Visibility> DecodeVisibility(std::string_view name);

Result<ModelState> DecodeModelState(std::string_view name);

// Probabilities are written with 9 significant digits, enough for a float to read back bit-exact.
std::string EncodeAlternatives(const std::vector<Alternative>& alternatives);
// Corruption when `text` is not something EncodeAlternatives wrote.
Result<std::vector<Alternative>> DecodeAlternatives(std::string_view text);

// A decision field's reasons: one text column, "reason\n" per reason, with newline and backslash
// inside a reason escaped as in the alternatives.
std::string EncodeReasons(const std::vector<std::string>& reasons);
// Corruption when `text` is not something EncodeReasons wrote.
Result<std::vector<std::string>> DecodeReasons(std::string_view text);

}  // namespace ticketwise::store
