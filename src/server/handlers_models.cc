// Handlers for model versions (train, list, activate) and per-field modes.
#include <utility>

#include "server/api_json.h"
#include "server/server_impl.h"

namespace ticketwise::server {

void Server::Impl::TrainModel(const httplib::Request& req, httplib::Response& res,
                              const std::string& tenant) {
  if (!req.body.empty() && !RequireJson(req, res)) return;
  auto request = ParseTrainRequest(req.body);
  if (!request) return SendStatus(res, request.error());
  if (request->field != "category" && request->field != "priority" && request->field != "queue")
    return SendError(
        res, 400, "invalid_argument",
        "field '" + request->field + "' has no trainable model: train category, priority or queue");
  auto version = trainer->Start(tenant, request->field, request->activate);
  if (!version) return SendStatus(res, version.error());
  // Accepted: the version trains in the background; GET /v1/models/{version} shows its state.
  res.status = 202;
  res.set_header("Location", "/v1/models/" + version->version);
  res.set_content(ModelJson(*version), kJson);
}

void Server::Impl::ListModels(const httplib::Request&, httplib::Response& res,
                              const std::string& tenant) {
  auto models = store->ListModels(tenant);
  if (!models) return SendStatus(res, models.error());
  res.set_content(ModelListJson(*models), kJson);
}

void Server::Impl::GetModel(const httplib::Request& req, httplib::Response& res,
                            const std::string& tenant) {
  auto models = store->ListModels(tenant);
  if (!models) return SendStatus(res, models.error());
  const std::string version = req.matches[1].str();
  for (const store::ModelVersion& m : *models) {
    if (m.version == version) return res.set_content(ModelJson(m), kJson);
  }
  SendError(res, 404, "not_found", "no model version '" + version + "'");
}

void Server::Impl::ActivateModel(const httplib::Request& req, httplib::Response& res,
                                 const std::string& tenant) {
  const std::string version = req.matches[1].str();
  // Load and check the file before the store switches, so a version that cannot be loaded never
  // becomes active.
  auto bytes = store->ModelBytes(tenant, version);
  if (!bytes) {
    if (bytes.error().code() == StatusCode::kNotFound) {
      auto models = store->ListModels(tenant);
      if (models) {
        for (const store::ModelVersion& m : *models) {
          if (m.version == version)
            return SendError(res, 409, "not_ready",
                             "model " + version + " is " +
                                 std::string(store::ModelStateName(m.state)) + ", not ready");
        }
      }
    }
    return SendStatus(res, bytes.error());
  }
  auto model = classify::Model::Deserialize(*bytes);
  if (!model) return SendStatus(res, model.error());
  auto shared = std::make_shared<const classify::Model>(std::move(*model));
  auto activated = store->ActivateModel(
      tenant, version,
      req.get_param_value("actor").empty() ? std::string("api") : req.get_param_value("actor"));
  if (!activated) return SendStatus(res, activated.error());
  if (Status s = InstallModel(tenant, activated->field, version, std::move(shared)); !s.ok())
    return SendStatus(res, s);
  res.set_content(ModelJson(*activated), kJson);
}

void Server::Impl::ListModes(const httplib::Request&, httplib::Response& res,
                             const std::string& tenant) {
  auto modes = store->ListFieldModes(tenant);
  if (!modes) return SendStatus(res, modes.error());
  res.set_content(ModesJson(*modes), kJson);
}

void Server::Impl::SetMode(const httplib::Request& req, httplib::Response& res,
                           const std::string& tenant) {
  if (!RequireJson(req, res)) return;
  auto mode = ParseModeRequest(req.body);
  if (!mode) return SendStatus(res, mode.error());
  mode->field = req.matches[1].str();
  if (Status s = store->SetFieldMode(tenant, *mode, "api"); !s.ok()) return SendStatus(res, s);
  engine.SetPolicy(tenant, mode->field, {mode->mode, mode->auto_min_confidence});
  auto modes = store->ListFieldModes(tenant);
  if (!modes) return SendStatus(res, modes.error());
  res.set_content(ModesJson(*modes), kJson);
}

}  // namespace ticketwise::server
