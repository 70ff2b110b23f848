// Names of the engine's own tables (DDL in schema/<dialect>/engine.sql). They live in the same
// database as CloudStack's tables so that the journal commits or rolls back with the data.
#pragma once

namespace csm::db {

inline constexpr const char* kRunTable = "csm_run";          // the ledger: one row per applied run
inline constexpr const char* kJournalTable = "csm_journal";  // touched rows, before-images
inline constexpr const char* kAfterTable = "csm_journal_after";  // digests at commit
inline constexpr const char* kPickTable = "csm_pick";      // source rows a one_per step picked
inline constexpr const char* kLockTable = "csm_lock";      // the lease that serialises applies
inline constexpr const char* kClaimTable = "csm_claim";    // drain's units of work and their leases
inline constexpr const char* kWorkerTable = "csm_worker";  // drain's workers and their heartbeats

}  // namespace csm::db
