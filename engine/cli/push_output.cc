#include "cli/push_output.h"

#include <sstream>

#include "cli/exit_codes.h"
#include "cli/output.h"
#include "common/digest.h"
#include "common/printable_text.h"
#include "common/process_name.h"

namespace csm::cli {
namespace {

std::string VerdictDetail(const cloudstack::RetireVerdict& v) {
  return v.retirable() ? "can be retired now: no live row has ref_cnt <> 0"
                       : "still held by " + v.HeldBy();
}

nlohmann::ordered_json OptionalId(const std::optional<int64_t>& id) {
  return id ? nlohmann::ordered_json(*id) : nlohmann::ordered_json(nullptr);
}

// Adds the fields push and drain share to `body`, in order: who, when, the counts and the
// failures.
void AddOutcome(nlohmann::ordered_json& body, const RunStamp& stamp, const push::RunnerOutcome& r) {
  nlohmann::ordered_json failures = nlohmann::ordered_json::array();
  for (const auto& f : r.failures) {
    failures.push_back(
        {{"unit", f.unit},
         {"error", {{"code", ErrorCodeName(f.status.code())}, {"message", f.status.message()}}}});
  }
  body["worker"] = stamp.worker;
  body["started_at"] = UtcTimeJson(stamp.started_at);
  body["finished_at"] = UtcTimeJson(UtcNow());
  body["units_total"] = r.units_total;
  body["units_pushed"] = r.units_pushed;
  body["units_failed"] = static_cast<int64_t>(r.failures.size());
  body["objects_filled"] = r.objects_filled;
  body["objects_adopted"] = r.objects_adopted;
  body["bytes_total"] = r.bytes_total;
  body["bytes_uploaded"] = r.bytes_uploaded;
  body["units_done_elsewhere"] = r.units_done_elsewhere;
  body["units_taken_over"] = r.units_taken_over;
  body["units_left"] = r.units_left;
  body["stopped_by_signal"] = r.stopped_by_signal == 0
                                  ? nlohmann::ordered_json(nullptr)
                                  : nlohmann::ordered_json(r.stopped_by_signal);
  body["failures"] = std::move(failures);
}

nlohmann::ordered_json UnitJson(const push::PushUnit& unit) {
  nlohmann::ordered_json items = nlohmann::ordered_json::array();
  for (const auto& item : unit.items) {
    nlohmann::ordered_json source = nullptr;
    if (!item.copies.empty()) {
      const push::StagingCopy& copy = item.preferred();
      source = {{"store_id", copy.store_id},
                {"staging_row_id", copy.id},
                {"install_path", copy.install_path}};
    }
    items.push_back({{"kind", push::KindName(item.kind)},
                     {"object_id", item.object_id},
                     {"object_store_id", item.object_store_id},
                     {"placeholder_id", OptionalId(item.placeholder_id)},
                     {"source", std::move(source)}});
  }
  return {{"unit", unit.Describe()}, {"bytes", unit.bytes()}, {"items", std::move(items)}};
}

}  // namespace

RunStamp StartRun() {
  return {ProcessName(), UtcNow()};
}

std::string RunnerText(const push::RunnerOutcome& r) {
  std::ostringstream out;
  out << "pushed " << r.units_pushed << " of " << r.units_total << " units: " << r.objects_filled
      << " placeholders filled, " << r.bytes_uploaded << " bytes uploaded, " << r.objects_adopted
      << " verified uploads of an earlier run adopted\n";
  if (r.units_done_elsewhere > 0) {
    out << "  " << r.units_done_elsewhere << " units were finished by other workers\n";
  }
  if (r.units_taken_over > 0) {
    out << "  " << r.units_taken_over
        << " units were taken over by other workers after this one's claims ran out\n";
  }
  if (r.stopped_by_signal != 0) {
    out << "  stopped by signal " << r.stopped_by_signal << ": " << r.units_left
        << " units left for the next run (every transfer in flight was recorded or given back)\n";
  }
  for (const auto& f : r.failures) {
    out << "  failed: " << PrintableText(f.unit) << ": " << PrintableText(f.status.message())
        << "\n";
  }
  return out.str();
}

std::string DryRunText(const std::vector<push::PushUnit>& units) {
  std::ostringstream out;
  int64_t bytes = 0;
  for (const auto& unit : units) {
    bytes += unit.bytes();
    out << PrintableText(unit.Describe()) << ": " << unit.bytes() << " bytes from";
    for (const auto& item : unit.items) {
      out << " "
          << (item.copies.empty() ? std::string("(no Ready staging copy)")
                                  : "store " + std::to_string(item.preferred().store_id) + ":" +
                                        PrintableText(item.preferred().install_path));
    }
    out << "\n";
  }
  out << units.size() << " units, " << bytes << " bytes would be pushed (dry run: nothing was)\n";
  return out.str();
}

std::string RetireText(const std::vector<cloudstack::RetireVerdict>& verdicts) {
  std::string text;
  for (const auto& v : verdicts) {
    text += "staging store " + std::to_string(v.store_id) + ": " + VerdictDetail(v) + "\n";
  }
  return text;
}

nlohmann::ordered_json PushJson(const RunStamp& stamp, const std::string& kind, int64_t id,
                                const push::RunnerOutcome& outcome,
                                const std::vector<push::PropertiesRepair>& repairs) {
  nlohmann::ordered_json body = {{"object", {{"kind", kind}, {"id", id}}}};
  AddOutcome(body, stamp, outcome);
  nlohmann::ordered_json repaired = nlohmann::ordered_json::array();
  for (const auto& r : repairs) {
    if (r.written) repaired.push_back({{"store_id", r.store_id}, {"key", r.key}});
  }
  body["repaired"] = std::move(repaired);
  return body;
}

nlohmann::ordered_json DrainJson(const RunStamp& stamp, bool dry_run,
                                 const push::RunnerOutcome& outcome,
                                 const std::vector<push::PushUnit>& planned,
                                 const std::vector<cloudstack::RetireVerdict>& verdicts) {
  nlohmann::ordered_json body = {{"dry_run", dry_run}};
  AddOutcome(body, stamp, outcome);
  nlohmann::ordered_json retire = nlohmann::ordered_json::array();
  for (const auto& v : verdicts) {
    retire.push_back({{"store_id", v.store_id},
                      {"retirable", v.retirable()},
                      {"held_by", v.held_by},
                      {"system_templates", v.system_templates},
                      {"detail", VerdictDetail(v)}});
  }
  body["retire_verdicts"] = std::move(retire);
  if (dry_run) {
    nlohmann::ordered_json units = nlohmann::ordered_json::array();
    for (const auto& unit : planned) units.push_back(UnitJson(unit));
    body["units"] = std::move(units);
  }
  return body;
}

}  // namespace csm::cli
