#pragma once
// The time of day at the start of every event line the bring-up commands print.

#include <string>

namespace hnbsec::cli {

// "12:34:56.789": wall-clock time of day in UTC, for reading events beside a capture.
std::string timestamp();

}  // namespace hnbsec::cli
