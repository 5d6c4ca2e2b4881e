#pragma once
// A problem found in a profile, located like a compiler diagnostic so editors
// and CI logs can jump to it.

#include <string>

namespace hnbsec::profile {

struct ProfileProblem {
    std::string file;  // the profile path or source name
    int line = 0;      // 1-based; 0 when the problem is about the file as a whole
    int column = 0;    // 1-based; 0 when unknown
    std::string message;
};

// "file:line:col: message", or "file: message" when there is no line.
std::string format_problem(const ProfileProblem& problem);

}  // namespace hnbsec::profile
