#include "push/drain.h"

#include <utility>

#include "catalog/ref_tables.h"
#include "push/preflight.h"

namespace csm::push {

Result<DrainOutcome> Drain(db::Connection& conn, const DrainRequest& request,
                           const RunnerOptions& options) {
  CSM_ASSIGN_OR_RETURN(const std::vector<catalog::RefTable> tables,
                       catalog::DescribeRefTables(conn));
  UnitFilter filter;
  filter.staging_store_id = request.staging_store;
  DrainOutcome drained;
  CSM_ASSIGN_OR_RETURN(drained.units, FindUnits(conn, tables, filter, request.order));
  if (request.limit && static_cast<int64_t>(drained.units.size()) > *request.limit) {
    drained.units.resize(*request.limit);
  }
  drained.outcome = NothingDoneYet(drained.units);
  if (request.dry_run) {
    CSM_RETURN_IF_ERROR(Preflight(conn, drained.units, options.access, options.encrypt_secret));
  } else {
    CSM_ASSIGN_OR_RETURN(drained.outcome, RunUnits(conn, tables, drained.units, options));
  }
  CSM_ASSIGN_OR_RETURN(
      drained.verdicts,
      catalog::StagingStoreVerdicts(conn, tables, request.staging_store, options.encrypt_secret));
  return drained;
}

}  // namespace csm::push
