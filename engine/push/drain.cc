#include "push/drain.h"

#include <optional>
#include <utility>

#include "cloudstack/ref_tables.h"
#include "push/preflight.h"
#include "push/work_board.h"

namespace csm::push {
namespace {

void Limit(std::vector<PushUnit>& units, std::optional<int64_t> limit) {
  if (limit && static_cast<int64_t>(units.size()) > *limit) units.resize(*limit);
}

}  // namespace

Result<DrainOutcome> Drain(db::Connection& conn, const DrainRequest& request,
                           const RunnerOptions& options) {
  CSM_ASSIGN_OR_RETURN(const std::vector<cloudstack::RefTable> tables,
                       cloudstack::DescribeRefTables(conn));
  UnitFilter filter;
  filter.staging_store_id = request.staging_store;
  DrainOutcome drained;
  if (request.dry_run) {
    CSM_ASSIGN_OR_RETURN(drained.units, FindUnits(conn, tables, filter, request.order));
    Limit(drained.units, request.limit);
    drained.outcome = NothingDoneYet(drained.units);
    CSM_RETURN_IF_ERROR(Preflight(conn, drained.units, options.access, options.encrypt_secret));
  } else {
    CSM_ASSIGN_OR_RETURN(WorkBoard board, JoinBoard(conn, "drain", options));
    // Read before the units are found: a unit another worker finishes after it is not opened
    // again, however old this worker's list.
    CSM_ASSIGN_OR_RETURN(const int64_t found_at, board.Now());
    CSM_ASSIGN_OR_RETURN(drained.units, FindUnits(conn, tables, filter, request.order));
    Limit(drained.units, request.limit);
    CSM_RETURN_IF_ERROR(board.Offer(drained.units, found_at));
    CSM_ASSIGN_OR_RETURN(drained.outcome, RunUnits(conn, tables, drained.units, board, options));
  }
  CSM_ASSIGN_OR_RETURN(drained.verdicts,
                       cloudstack::StagingStoreVerdicts(conn, tables, request.staging_store,
                                                        options.encrypt_secret));
  return drained;
}

}  // namespace csm::push
