// The values on the command line that may be secrets, so that no error repeats them: an argument
// the parser did not expect is echoed in its message (`--details secretkey=...` for `--detail`),
// and a file name that is not one (`--details-file=secretkey=...`) in "cannot read".
#pragma once

#include <string>
#include <vector>

namespace csm::cli {

// Notes the values of `arguments` (argv without the program) that may be secrets: the value of
// NAME=VALUE (with or without leading dashes) and the argument after --NAME, where NAME, in any
// case, contains "secret" or "password" or ends in "key" (secretkey, key, accesskey included:
// in an error, masking too much is harmless). Call once, before the arguments are parsed.
void NoteSecretArguments(const std::vector<std::string>& arguments);

// `text` with every noted value replaced by "******". Values shorter than 3 characters are left
// (replacing them would garble the text, and they confirm next to nothing).
std::string WithoutSecretArguments(std::string text);

}  // namespace csm::cli
