// Detail values as CloudStack stores them: `secretkey` (S3) and `key` (Swift) encrypted when the
// installation encrypts its database values (cloudstack.md §6), every value checked against its
// column's width before anything is written.
#pragma once

#include <optional>
#include <string>

#include "common/result.h"
#include "crypto/db_properties.h"
#include "crypto/secret_cipher.h"
#include "db/connection.h"
#include "rules/compiled_plan.h"
#include "rules/run_parameters.h"

namespace csm::apply {

// How secret values are written: the format and the database secret (db.cloud.encrypt.secret).
struct SecretEncryption {
  crypto::EncryptorVersion version = crypto::EncryptorVersion::kV1;
  std::string password;
};

// The encryption CloudStack would use for `config` on `conn`: none when encryption is off or no
// secret is set; the version db.cloud.encryptor.version forces; else the one (V2, then V1) that
// decrypts the `configuration` row named `init` (4.18+); else V1 (before 4.18). kCrypto when an
// `init` row exists that neither version can decrypt with the secret.
Result<std::optional<SecretEncryption>> SecretEncryptionFor(
    db::Connection& conn, const crypto::CloudStackDbConfig& config);

// Replaces each secret detail value in `bindings` by its encrypted form (when `encryption` is
// given) and checks every detail value against the width of the column insert_each steps write it
// to: kInvalidArgument naming the detail when it cannot fit (for secrets, the plaintext limit of
// the format, e.g. 175 bytes in V1 and 161 in V2 for varchar(255)); the length of a secret is not
// told, only that it is too long. Secrets are the details rules::IsSecretName calls so.
Status PrepareDetailValues(const rules::RuleSet& rules, const rules::Catalog& catalog,
                           const std::optional<SecretEncryption>& encryption,
                           rules::Bindings& bindings);

}  // namespace csm::apply
