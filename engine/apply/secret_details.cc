#include "apply/secret_details.h"

#include <regex>

namespace csm::apply {
namespace {

// The N of varchar(N) / character varying(N); 0 when the type has no width.
size_t ColumnWidth(const std::string& declared_type) {
  static const std::regex kWidth(R"(\((\d+)\))");
  std::smatch m;
  return std::regex_search(declared_type, m, kWidth) ? std::stoul(m[1]) : 0;
}

}  // namespace

Result<std::optional<SecretEncryption>> SecretEncryptionFor(
    db::Connection& conn, const crypto::CloudStackDbConfig& config) {
  if (config.encryption_type == crypto::EncryptionType::kNone || config.encrypt_secret.empty()) {
    return std::optional<SecretEncryption>();
  }
  SecretEncryption encryption{crypto::EncryptorVersion::kV1, config.encrypt_secret};
  if (config.encryptor_version) {
    encryption.version = *config.encryptor_version;
    return std::optional<SecretEncryption>(encryption);
  }
  CSM_ASSIGN_OR_RETURN(db::TableSchema configuration, conn.DescribeTable("configuration"));
  if (!configuration.exists()) return std::optional<SecretEncryption>(encryption);
  CSM_ASSIGN_OR_RETURN(db::QueryResult init,
                       conn.Query("SELECT value FROM configuration WHERE name = ?", {"init"}));
  if (init.rows.empty() || db::IsNull(init.rows[0][0])) {
    return std::optional<SecretEncryption>(encryption);  // before 4.18: always V1
  }
  auto decrypted = crypto::DecryptAnyVersion(config.encrypt_secret, db::ToDisplay(init.rows[0][0]));
  if (!decrypted.ok()) {
    return Status(ErrorCode::kCrypto,
                  "the configuration row 'init' cannot be decrypted with db.cloud.encrypt.secret "
                  "in either format (V2, V1): is this db.properties for this database?");
  }
  encryption.version = decrypted->first;
  return std::optional<SecretEncryption>(encryption);
}

Status PrepareDetailValues(const rules::RuleSet& rules, const rules::Catalog& catalog,
                           const std::optional<SecretEncryption>& encryption,
                           rules::Bindings& bindings) {
  const std::set<std::string> secrets = rules::SecretNames(rules);
  for (const auto& step : rules.steps) {
    if (step.kind != rules::Step::Kind::kInsertEach) continue;
    size_t width = 0;
    for (const auto& a : step.values) {
      if (a.value.kind == rules::Operand::Kind::kParameter && a.value.parameter == "value") {
        const db::ColumnInfo* column = catalog.at(step.table).Find(a.column);
        width = column == nullptr ? 0 : ColumnWidth(column->declared_type);
      }
    }
    for (auto& [key, value] : bindings.maps[step.for_each]) {
      // A secret's length is never told: only that it is longer than what fits.
      const bool secret = rules::IsSecretName(secrets, key);
      if (secret && !value.empty() && encryption) {
        const size_t limit =
            width == 0 ? value.size() : crypto::MaxPlaintextBytes(encryption->version, width);
        if (value.size() > limit) {
          return Status(ErrorCode::kInvalidArgument,
                        "--detail " + key + " is too long: encrypted in format " +
                            std::string(crypto::VersionName(encryption->version)) +
                            " it must be at most " + std::to_string(limit) + " bytes to fit " +
                            step.table + ".value");
        }
        CSM_ASSIGN_OR_RETURN(value,
                             crypto::Encrypt(encryption->version, encryption->password, value));
      } else if (width > 0 && value.size() > width) {
        return Status(ErrorCode::kInvalidArgument,
                      "--detail " + key + " is " +
                          (secret ? "longer than " + step.table + ".value holds (at most " +
                                        std::to_string(width) + ")"
                                  : std::to_string(value.size()) + " characters; " + step.table +
                                        ".value holds at most " + std::to_string(width)));
      }
    }
  }
  return Status::Ok();
}

}  // namespace csm::apply
