// The `ticketwise` subcommands. Each takes the arguments after its name and returns the process
// exit code: 0 success, 1 the work failed (bad data, unreadable file), 2 the command line is wrong.
#pragma once

#include <string>
#include <vector>

#include "ticketwise/status.h"

namespace ticketwise::store {
class Store;
}

namespace ticketwise::cli {

int RunTrain(const std::vector<std::string>& argv);
int RunPredict(const std::vector<std::string>& argv);
int RunEval(const std::vector<std::string>& argv);
int RunImport(const std::vector<std::string>& argv);
int RunServe(const std::vector<std::string>& argv);
int RunTenant(const std::vector<std::string>& argv);
int RunAudit(const std::vector<std::string>& argv);
int RunRedact(const std::vector<std::string>& argv);
int RunSimilar(const std::vector<std::string>& argv);
int RunSearch(const std::vector<std::string>& argv);
int RunKb(const std::vector<std::string>& argv);
int RunTriage(const std::vector<std::string>& argv);
int RunStatus(const std::vector<std::string>& argv);

// The id of the tenant named `name` (its name or its id), or NotFound with a hint.
Result<std::string> FindTenant(store::Store* store, const std::string& name);

}  // namespace ticketwise::cli
