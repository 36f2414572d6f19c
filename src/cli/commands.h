// The `ticketwise` subcommands. Each takes the arguments after its name and returns the process
// exit code: 0 success, 1 the work failed (bad data, unreadable file), 2 the command line is wrong.
#pragma once

#include <string>
#include <vector>

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

}  // namespace ticketwise::cli
