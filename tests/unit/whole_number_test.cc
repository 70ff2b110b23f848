#include "common/whole_number.h"

#include <gtest/gtest.h>

#include <limits>

namespace csm {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

TEST(WholeNumber, AcceptsPlainDecimalsInRange) {
  EXPECT_EQ(ParseWholeNumber("1", 1, kMax), 1);
  EXPECT_EQ(ParseWholeNumber("42", 1, kMax), 42);
  EXPECT_EQ(ParseWholeNumber("007", 1, kMax), 7);
  EXPECT_EQ(ParseWholeNumber("9223372036854775807", 1, kMax), kMax);
  EXPECT_EQ(ParseWholeNumber("0", 0, 64), 0);
  EXPECT_EQ(ParseWholeNumber("-3", -5, 5), -3);
}

TEST(WholeNumber, RefusesWhatIsNotOneOrOutOfRange) {
  for (const char* text : {"", " ", "0", "-1", "+5", " 7", "7 ", "0x10", "1e3", "1.0", "12abc",
                           "9223372036854775808", "99999999999999999999", "-", "--1", "٣"}) {
    EXPECT_EQ(ParseWholeNumber(text, 1, kMax), std::nullopt) << "'" << text << "'";
  }
  EXPECT_EQ(ParseWholeNumber("65", 1, 64), std::nullopt);
  EXPECT_EQ(ParseWholeNumber("-6", -5, 5), std::nullopt);
}

TEST(WholeNumber, ProblemNamesTheTextAndTheRange) {
  EXPECT_EQ(WholeNumberProblem("", 1, 64), "'' is not a whole number from 1 to 64");
  EXPECT_EQ(WholeNumberProblem("99999999999999999999", 1, kMax),
            "'99999999999999999999' is not a whole number from 1 to 9223372036854775807");
}

}  // namespace
}  // namespace csm
