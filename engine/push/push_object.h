// `csmigrate push KIND ID`: push one object (a snapshot with every still-placeholder snapshot of
// its volume), or, when nothing of it is left to push, repair what CloudStack still needs.
#pragma once

#include <cstdint>
#include <vector>

#include "common/result.h"
#include "db/connection.h"
#include "push/push_runner.h"
#include "push/push_unit.h"
#include "push/swift_repair.h"

namespace csm::push {

struct PushObjectOutcome {
  bool nothing_to_push = false;  // no placeholder of the object is left on an object store
  RunnerOutcome outcome;         // nothing to push: NothingDoneYet({})
  // Nothing to push, a template: the template.properties a Swift store needed and got.
  std::vector<PropertiesRepair> repairs;
};

// Finds the object's units (FilterForObject: kNotFound when it does not exist) and runs them with
// `options` (a unit that fails is in outcome.failures). When none is left and the object is a
// template, writes its template.properties where a Swift store lacks it
// (RepairSwiftTemplateProperties). Database and store errors as they are.
Result<PushObjectOutcome> PushObject(db::Connection& conn, ObjectKind kind, int64_t id,
                                     const RunnerOptions& options);

}  // namespace csm::push
