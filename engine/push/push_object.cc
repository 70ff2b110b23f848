#include "push/push_object.h"

#include "cloudstack/ref_tables.h"
#include "push/object_filter.h"
#include "push/unit_query.h"
#include "push/work_board.h"

namespace csm::push {

Result<PushObjectOutcome> PushObject(db::Connection& conn, ObjectKind kind, int64_t id,
                                     const RunnerOptions& options) {
  CSM_ASSIGN_OR_RETURN(const UnitFilter filter, FilterForObject(conn, kind, id));
  CSM_ASSIGN_OR_RETURN(const std::vector<cloudstack::RefTable> tables,
                       cloudstack::DescribeRefTables(conn));
  CSM_ASSIGN_OR_RETURN(const int64_t found_at, BoardClockNow(conn));
  CSM_ASSIGN_OR_RETURN(const std::vector<PushUnit> units,
                       FindUnits(conn, tables, filter, UnitOrder::kOldestFirst));
  PushObjectOutcome pushed;
  if (units.empty()) {
    pushed.nothing_to_push = true;
    pushed.outcome = NothingDoneYet({});
    if (kind == ObjectKind::kTemplate) {
      // Already on the object store: on Swift, CloudStack's sync still needs template.properties.
      CSM_ASSIGN_OR_RETURN(pushed.repairs, RepairSwiftTemplateProperties(conn, id, options.access,
                                                                         options.encrypt_secret));
    }
    return pushed;
  }
  CSM_ASSIGN_OR_RETURN(WorkBoard board, JoinBoard(conn, "push", options));
  CSM_RETURN_IF_ERROR(board.Offer(units, found_at));
  CSM_ASSIGN_OR_RETURN(pushed.outcome, RunUnits(conn, tables, units, board, options));
  return pushed;
}

}  // namespace csm::push
