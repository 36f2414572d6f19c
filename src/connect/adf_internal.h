// ADF conversion on an already parsed node, for the parsers of src/connect. Internal.
#pragma once

#include <string>

#include "connect/json_internal.h"

namespace ticketwise::connect::internal {

// True when `node` looks like an ADF node: an object with a string "type".
bool IsAdfNode(const Json& node);

// The plain text of an ADF node (see adf.h).
std::string AdfNodeToText(const Json& node);

}  // namespace ticketwise::connect::internal
